package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Live sessions across sockets: delivery, takeover, removal, socket close, and the visibility timeout. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LiveSessionsIT {
  private static final long VISIBILITY_MS = 700;
  private static final Duration QUIET = Duration.ofMillis(300);
  private static MprServer server;
  private String conn;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_VISIBILITY_TIMEOUT_MS", String.valueOf(VISIBILITY_MS)));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newConnection() {
    conn = "conn-" + UUID.randomUUID();
  }

  private static void addLiveSession(WsTestClient c, String conn, String sessionId) {
    assertTrue(c.result("addLiveSession", Map.of("connectionId", conn, "sessionId", sessionId)).booleanValue());
  }

  @Test
  void a_message_for_a_live_session_reaches_its_holder_as_a_messagesReceived_notification() {
    try (WsTestClient holder = WsTestClient.connect(server.wsPort());
         WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      addLiveSession(holder, conn, "s1");
      String id = addMessage(sender, conn, "did:key:a", "live");
      JsonNode n = holder.nextNotification();
      assertEquals(3, n.size(), n.toString());
      assertEquals("2.0", n.get("jsonrpc").asText());
      assertEquals("messagesReceived", n.get("method").asText());
      assertFalse(n.has("id"));
      JsonNode params = n.get("params");
      assertEquals(3, params.size(), params.toString());
      assertEquals(conn, params.get("connectionId").asText());
      assertEquals("", params.get("id").asText());
      JsonNode m = params.get("messages").get(0);
      assertEquals(id, m.get("id").asText());
      assertTrue(m.get("receivedAt").asText().matches(Wire.ISO_MILLIS));
      assertEquals(WsTestClient.JSON.valueToTree(payload("live")), m.get("encryptedMessage"));
      assertNull(sender.notificationWithin(QUIET), "only the holder is notified");
    }
  }

  @Test
  void a_delivered_message_is_sending_skipped_by_take_and_count_until_removed() {
    try (WsTestClient holder = WsTestClient.connect(server.wsPort());
         WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      addLiveSession(holder, conn, "s1");
      String id = addMessage(sender, conn, "did:key:a", "m");
      holder.nextNotification();
      assertEquals(0, count(sender, conn));
      assertEquals(0, sender.result("takeFromQueue", take(conn)).size());
      holder.result("removeMessages", Map.of("connectionId", conn, "messageIds", List.of(id)));
      assertTrue(holder.result("removeLiveSession", Map.of("connectionId", conn)).booleanValue());
      assertEquals(0, count(sender, conn), "removed, not released");
    }
  }

  @Test
  void removing_the_session_releases_its_sending_messages_to_pending() {
    try (WsTestClient holder = WsTestClient.connect(server.wsPort());
         WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      addLiveSession(holder, conn, "s1");
      String id = addMessage(sender, conn, "did:key:a", "m");
      holder.nextNotification();
      assertEquals(0, count(sender, conn));
      assertTrue(holder.result("removeLiveSession", Map.of("connectionId", conn, "sessionId", "s1")).booleanValue());
      assertEquals(1, count(sender, conn));
      assertEquals(List.of(id), ids(sender.result("takeFromQueue", take(conn))));
    }
  }

  @Test
  void a_newer_session_takes_over_and_the_old_holder_stops_receiving() {
    try (WsTestClient old = WsTestClient.connect(server.wsPort());
         WsTestClient successor = WsTestClient.connect(server.wsPort());
         WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      addLiveSession(old, conn, "s-old");
      String first = addMessage(sender, conn, "d", "1");
      assertEquals(first, old.nextNotification().get("params").get("messages").get(0).get("id").asText());
      addLiveSession(successor, conn, "s-new");
      // taking over returned the unremoved message to pending
      assertEquals(1, count(sender, conn));
      String second = addMessage(sender, conn, "d", "2");
      assertEquals(second, successor.nextNotification().get("params").get("messages").get(0).get("id").asText());
      assertNull(old.notificationWithin(QUIET));
      assertFalse(old.result("removeLiveSession", Map.of("connectionId", conn, "sessionId", "s-old")).booleanValue(),
          "the old holder cannot remove its successor's session");
      assertTrue(sender.result("getLiveSession", Map.of("connectionId", conn)).booleanValue());
      addMessage(sender, conn, "d", "3");
      assertTrue(successor.nextNotification().has("params"));
    }
  }

  @Test
  void closing_the_socket_removes_its_sessions_and_releases_their_messages() throws Exception {
    try (WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      try (WsTestClient holder = WsTestClient.connect(server.wsPort())) {
        addLiveSession(holder, conn, "s1");
        addMessage(sender, conn, "d", "x");
        holder.nextNotification();
        assertEquals(0, count(sender, conn));
      }
      boolean gone = false;
      for (int i = 0; i < 200 && !gone; i++) {
        gone = !sender.result("getLiveSession", Map.of("connectionId", conn)).booleanValue();
        if (!gone) {
          Thread.sleep(10);
        }
      }
      assertTrue(gone, "the session outlived its socket");
      assertEquals(1, count(sender, conn));
    }
  }

  @Test
  void a_handed_out_message_returns_to_pending_after_the_visibility_timeout() throws Exception {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String id = addMessage(c, conn, "d", "v");
      assertEquals(List.of(id), ids(c.result("takeFromQueue", take(conn))));
      assertEquals(0, count(c, conn));
      assertEquals(0, c.result("takeFromQueue", take(conn)).size());
      Thread.sleep(VISIBILITY_MS + 200);
      assertEquals(1, count(c, conn));
      assertEquals(List.of(id), ids(c.result("takeFromQueue", take(conn))));
    }
  }

  @Test
  void a_notification_is_sent_whether_or_not_the_socket_subscribed() {
    try (WsTestClient holder = WsTestClient.connect(server.wsPort())) {
      holder.result("rpc.on", List.of("messagesReceived"));
      holder.result("rpc.off", List.of("messagesReceived"));
      addLiveSession(holder, conn, "s1");
      addMessage(holder, conn, "d", "self");
      assertEquals("messagesReceived", holder.nextNotification().get("method").asText());
    }
  }
}
