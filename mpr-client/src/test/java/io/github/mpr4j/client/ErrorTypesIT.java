package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprException;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.server.testing.MprTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ErrorTypesIT {

  @Test
  void anErrorAnswerOfTheServerIsAnRpcExceptionWithItsCodeAndData() throws Exception {
    try (MprTestServer server = MprTestServer.start(Map.of("MPR_MAX_PAYLOAD_BYTES", "100"));
         MprClient client = Fixtures.client(server.wsUri()).build()) {
      EncryptedMessage big = EncryptedMessage.ofJson("{\"ciphertext\":\"" + "x".repeat(200) + "\"}");
      Throwable t = failure(client.addMessage(AddMessageOptions.of("errors-1", List.of(Fixtures.DID), big)));
      MprRpcException e = assertInstanceOf(MprRpcException.class, t);
      assertEquals(RpcErrors.PAYLOAD_TOO_LARGE, e.code());
      assertEquals(100, ((Number) e.data().get("limit")).intValue());
      assertInstanceOf(MprException.class, e);
      assertTrue(client.isConnected(), "the socket stays up after an error answer");
    }
  }

  @Test
  void missingOptionsFailTheFutureWithInvalidParamsInsteadOfThrowing() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient client = Fixtures.client(server.wsUri()).build()) {
      MprRpcException e = assertInstanceOf(MprRpcException.class, failure(client.addMessage(null)));
      assertEquals(RpcErrors.INVALID_PARAMS, e.code());
      assertInstanceOf(MprRpcException.class, failure(client.takeFromQueue(null)));
    }
  }

  @Test
  void noServerIsATransportExceptionAfterTheClientGivesUp() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    MprClient client = Fixtures.client(URI.create("ws://127.0.0.1:" + port + "/")).maxReconnectAttempts(2)
        .requestTimeout(Duration.ofSeconds(5)).build();
    Throwable t = failure(client.whenConnected());
    MprTransportException e = assertInstanceOf(MprTransportException.class, t);
    assertTrue(e.getMessage().startsWith("gave up connecting to ws://127.0.0.1:" + port + "/ after 2 reconnect attempts"),
        e.getMessage());
    assertInstanceOf(MprTransportException.class, failure(client.ping()));
    client.close();
  }
}
