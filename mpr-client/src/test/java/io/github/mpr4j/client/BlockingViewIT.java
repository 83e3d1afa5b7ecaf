package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.BlockingPickupRepository;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sync()}: the client's calls, each waiting for its answer; failures thrown as they are. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingViewIT {

  @Test
  void everyCallOfTheBlockingViewReturnsItsAnswer() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient client = Fixtures.client(server.wsUri()).build()) {
      BlockingPickupRepository repo = client.sync();
      String first = repo.addMessage(message("blocking-1", 1));
      String second = repo.addMessage(message("blocking-1", 2));
      repo.addMessage(message("blocking-1", 3));
      assertEquals(3, repo.getAvailableMessageCount(GetAvailableMessageCountOptions.of("blocking-1")));
      List<QueuedMessage> taken = repo.takeFromQueue(TakeFromQueueOptions.builder("blocking-1").limit(2).build());
      assertEquals(List.of(first, second), taken.stream().map(QueuedMessage::id).toList());
      repo.removeMessages(new RemoveMessagesOptions("blocking-1", List.of(first, second)));
      assertEquals(1, repo.getAvailableMessageCount(GetAvailableMessageCountOptions.of("blocking-1")));
      repo.removeAllMessages(new RemoveAllMessagesOptions("blocking-1", Fixtures.DID));
      assertEquals(0, repo.getAvailableMessageCount(GetAvailableMessageCountOptions.of("blocking-1")));
      repo.addLiveSession(new AddLiveSessionOptions("blocking-1", "s1"));
      assertTrue(repo.getLiveSession(new GetLiveSessionOptions("blocking-1")));
      assertTrue(repo.removeLiveSession(new RemoveLiveSessionOptions("blocking-1", "s1")));
      assertFalse(repo.getLiveSession(new GetLiveSessionOptions("blocking-1")));
    }
  }

  @Test
  void aRefusalIsThrownAsTheRpcErrorAndNoAnswerWithinTheWaitAsATransportError() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).build()) {
      get(client.whenConnected());
      Thread answering = new Thread(() -> {
        try {
          scripted.answerError(scripted.nextCall(Fixtures.WAIT), -32602, "limit must be an integer");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      answering.start();
      MprRpcException refused = assertThrows(MprRpcException.class,
          () -> client.sync().getAvailableMessageCount(GetAvailableMessageCountOptions.of("blocking-2")));
      assertEquals(-32602, refused.code());
      answering.join(10_000);

      MprTransportException late = assertThrows(MprTransportException.class,
          () -> client.sync(Duration.ofMillis(300)).getLiveSession(new GetLiveSessionOptions("blocking-2")));
      assertEquals("getLiveSession got no answer within PT0.3S (the blocking view's wait); whether the call took"
          + " effect is unknown", late.getMessage());

      Thread.currentThread().interrupt();
      try {
        MprTransportException interrupted = assertThrows(MprTransportException.class,
            () -> client.sync().getLiveSession(new GetLiveSessionOptions("blocking-2")));
        assertTrue(interrupted.getMessage().startsWith("getLiveSession was interrupted"), interrupted.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again");
      } finally {
        Thread.interrupted();
      }
      assertThrows(IllegalArgumentException.class, () -> client.sync(Duration.ZERO));
    }
  }
}
