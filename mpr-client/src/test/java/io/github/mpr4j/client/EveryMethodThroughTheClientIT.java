package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.DID;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.jwe;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EveryMethodThroughTheClientIT {
  static MprTestServer server;
  static MprClient client;

  @BeforeAll
  static void start() throws Exception {
    server = MprTestServer.start();
    client = Fixtures.client(server.wsUri()).build();
    get(client.whenConnected());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void addMessageReturnsThePlainMessageIdThatTakeFromQueueReturnsWithThePayload() throws Exception {
    String id = get(client.addMessage(message("every-1", 1)));
    assertFalse(id.startsWith("{") || id.startsWith("\""), id);
    List<QueuedMessage> taken = get(client.takeFromQueue(TakeFromQueueOptions.builder("every-1").build()));
    assertEquals(1, taken.size());
    assertEquals(id, taken.get(0).id());
    assertEquals(jwe(1), taken.get(0).encryptedMessage());
  }

  @Test
  void takeFromQueueAppliesRecipientLimitAndDelete() throws Exception {
    for (int i = 0; i < 3; i++) {
      get(client.addMessage(message("every-2", i)));
    }
    get(client.addMessage(AddMessageOptions.of("every-2", List.of("did:key:z6MkOther"), jwe(9))));
    List<QueuedMessage> two = get(client.takeFromQueue(TakeFromQueueOptions.builder("every-2").recipientDid(DID)
        .limit(2).deleteMessages(true).build()));
    assertEquals(List.of(jwe(0), jwe(1)), two.stream().map(QueuedMessage::encryptedMessage).toList());
    assertEquals(2, get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("every-2"))));
    assertEquals(1, get(client.getAvailableMessageCount(new GetAvailableMessageCountOptions("every-2", DID))));
  }

  @Test
  void removeMessagesAndRemoveAllMessagesEmptyTheQueue() throws Exception {
    String a = get(client.addMessage(message("every-3", 1)));
    get(client.addMessage(message("every-3", 2)));
    assertNull(get(client.removeMessages(new RemoveMessagesOptions("every-3", List.of(a, "unknown-id")))));
    assertEquals(1, get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("every-3"))));
    assertNull(get(client.removeAllMessages(new RemoveAllMessagesOptions("every-3", DID))));
    assertEquals(0, get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("every-3"))));
  }

  @Test
  void liveSessionsAreAddedSeenAndRemovedBySessionId() throws Exception {
    assertFalse(get(client.getLiveSession(new GetLiveSessionOptions("every-4"))));
    assertNull(get(client.addLiveSession(new AddLiveSessionOptions("every-4", "session-a"))));
    assertTrue(get(client.getLiveSession(new GetLiveSessionOptions("every-4"))));
    assertFalse(get(client.removeLiveSession(new RemoveLiveSessionOptions("every-4", "session-b"))));
    assertTrue(get(client.getLiveSession(new GetLiveSessionOptions("every-4"))));
    assertTrue(get(client.removeLiveSession(new RemoveLiveSessionOptions("every-4", "session-a"))));
    assertFalse(get(client.getLiveSession(new GetLiveSessionOptions("every-4"))));
  }

  @Test
  void pingIsAnsweredPong() throws Exception {
    assertNull(get(client.ping()));
    assertTrue(client.isConnected());
  }
}
