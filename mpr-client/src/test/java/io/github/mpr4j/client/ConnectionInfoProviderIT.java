package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionInfoProviderIT {
  private static final ConnectionInfoProvider PROVIDER = connectionId -> CompletableFuture.completedFuture(
      connectionId.startsWith("known") ? new ConnectionInfo(PushNotificationToken.fcm("device-1"), 300) : null);

  @Test
  void theProvidersTokenAndLimitAreSentWhenTheCallHasNone() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).connectionInfoProvider(PROVIDER).build()) {
      client.addMessage(message("known-1", 1));
      JsonNode add = scripted.nextCall(Fixtures.WAIT).get("params");
      assertEquals("fcm", add.path("pushNotificationToken").path("type").asText());
      assertEquals("device-1", add.path("pushNotificationToken").path("token").asText());

      client.addMessage(message("known-1", 2).withPushNotificationToken(PushNotificationToken.apns("own")));
      assertEquals("own", scripted.nextCall(Fixtures.WAIT).get("params").path("pushNotificationToken").path("token").asText());

      client.addMessage(message("unknown-1", 3));
      assertFalse(scripted.nextCall(Fixtures.WAIT).get("params").has("pushNotificationToken"));

      client.takeFromQueue(TakeFromQueueOptions.builder("known-1").build());
      assertEquals(300, scripted.nextCall(Fixtures.WAIT).get("params").path("limitBytes").asInt());
      client.takeFromQueue(TakeFromQueueOptions.builder("known-1").limitBytes(50).build());
      assertEquals(50, scripted.nextCall(Fixtures.WAIT).get("params").path("limitBytes").asInt());
      client.takeFromQueue(TakeFromQueueOptions.builder("unknown-1").build());
      assertNull(scripted.nextCall(Fixtures.WAIT).get("params").get("limitBytes"));
    }
  }

  @Test
  void theServerReturnsNoMoreBytesThanTheProvidersMaxReceiveBytes() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient client = Fixtures.client(server.wsUri()).connectionInfoProvider(PROVIDER).build()) {
      int size = Fixtures.jwe(0).byteSize();
      for (int i = 0; i < 5; i++) {
        get(client.addMessage(message("known-2", i)));
      }
      int expected = 300 / size;
      assertEquals(expected, get(client.takeFromQueue(TakeFromQueueOptions.builder("known-2").build())).size());
    }
  }

  @Test
  void aFailingProviderFailsTheCallWithoutSendingIt() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri())
             .connectionInfoProvider(c -> CompletableFuture.failedFuture(new IllegalStateException("db down")))
             .build()) {
      Throwable t = failure(client.addMessage(message("known-3", 1)));
      assertInstanceOf(MprTransportException.class, t);
      assertEquals("db down", t.getCause().getMessage());
      assertNull(scripted.requestWithin(Duration.ofMillis(300)));
    }
  }
}
