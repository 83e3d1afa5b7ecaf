package io.github.mpr4j.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
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
}
