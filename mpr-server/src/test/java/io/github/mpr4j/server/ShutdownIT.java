package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful shutdown: sockets are closed with 1001, ports stop accepting, close is idempotent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ShutdownIT {

  @Test
  void closing_the_server_closes_open_sockets_with_1001_and_stops_accepting() {
    MprServer server = TestServers.start();
    int port = server.wsPort();
    try (WsTestClient c = WsTestClient.connect(port)) {
      assertTrue(c.pingPongs());
      Wire.addMessage(c, "shutdown-conn", "d", "answered before close");
      server.close();
      assertEquals(1001, c.closeStatus());
    } finally {
      server.close();
    }
    assertThrows(RuntimeException.class, () -> WsTestClient.connect(port, "/", Map.of()));
  }

  @Test
  void close_is_idempotent_and_a_closed_server_cannot_start_again() {
    MprServer server = TestServers.start();
    server.close();
    server.close();
    assertThrows(IllegalStateException.class, server::start);
  }

  @Test
  void a_port_in_use_stops_start_up_with_a_message_naming_the_variable() {
    try (MprServer first = TestServers.start()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> TestServers.start(Map.of("WS_PORT", String.valueOf(first.wsPort()))));
      assertTrue(e.getMessage().contains("WS_PORT"), e.getMessage());
    }
  }
}
