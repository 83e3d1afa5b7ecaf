package io.github.mpr4j.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MprTestServerIT {
  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void itListensOnAFreeLoopbackPortThatStaysTheSameAcrossStopAndRestart() {
    try (MprTestServer server = MprTestServer.start()) {
      int port = server.wsPort();
      assertTrue(port > 0);
      assertEquals("ws://127.0.0.1:" + port + "/", server.wsUri().toString());
      assertTrue(server.isRunning() && accepts(port));
      server.stop();
      assertFalse(server.isRunning() || accepts(port));
      server.stop();
      server.restart();
      assertTrue(server.isRunning() && accepts(port));
      assertEquals(port, server.wsPort());
      server.restart();
      assertTrue(accepts(port));
      server.close();
      server.close();
      assertFalse(server.isRunning() || accepts(port));
      assertThrows(IllegalStateException.class, server::restart);
    }
  }

  @Test
  void settingsArePassedToTheServer() {
    assertThrows(IllegalArgumentException.class, () -> MprTestServer.start(Map.of("MPR_MAX_TAKE", "0")));
  }

  @Test
  void aSettingThatChoosesAStoreIsRefused() {
    for (String variable : List.of("MPR_STORE", "REDIS_URL", "REDIS_NODES", "MONGODB_URI")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MprTestServer.start(Map.of(variable, "x")));
      assertTrue(e.getMessage().startsWith(variable + ":"), e.getMessage());
    }
  }

  @Test
  void itAnswersJsonRpcOverWebSocketOnTheLightClasspathOfThisArtifact() throws Exception {
    try (MprTestServer server = MprTestServer.start()) {
      CompletableFuture<String> answer = new CompletableFuture<>();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(server.wsUri(), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                answer.complete(text.toString());
              }
              socket.request(1);
              return null;
            }
          }).get(10, TimeUnit.SECONDS);
      ws.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"getAvailableMessageCount\","
          + "\"params\":{\"connectionId\":\"c-1\"},\"id\":1}", true).get(10, TimeUnit.SECONDS);
      assertEquals("{\"jsonrpc\":\"2.0\",\"result\":0,\"id\":1}", answer.get(10, TimeUnit.SECONDS));
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
  }
}
