package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** takeFromQueue over the wire: limits, filter, deletion, and concurrent takes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TakeFromQueueIT {
  private static final int MAX_TAKE = 7;
  private static MprServer server;
  private String conn;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_MAX_TAKE", String.valueOf(MAX_TAKE)));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newConnection() {
    conn = "conn-" + UUID.randomUUID();
  }

  private static List<String> addMany(WsTestClient c, String conn, String did, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(addMessage(c, conn, did, "m" + i));
    }
    return ids;
  }

  @Test
  void limit_caps_the_messages_and_the_server_maximum_applies_without_it() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      List<String> added = addMany(c, conn, "d", 10);
      assertEquals(added.subList(0, 2), ids(c.result("takeFromQueue", take(conn, "limit", 2))));
      assertEquals(added.subList(2, 2 + MAX_TAKE), ids(c.result("takeFromQueue", take(conn))));
      assertEquals(added.subList(9, 10), ids(c.result("takeFromQueue", take(conn, "limit", 100))));
    }
  }

  @Test
  void limit_zero_returns_nothing_and_changes_nothing() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      addMany(c, conn, "d", 2);
      assertEquals(0, c.result("takeFromQueue", take(conn, "limit", 0)).size());
      assertEquals(2, count(c, conn));
    }
  }

  @Test
  void limitBytes_stops_before_the_first_message_that_would_exceed_it() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      // {"c":"xxxxxxxxxx"} is 18 bytes
      List<String> added = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        added.add(c.result("addMessage", add(conn, "d", Map.of("c", "x".repeat(10)))).get("messageId").asText());
      }
      assertEquals(added.subList(0, 2), ids(c.result("takeFromQueue", take(conn, "limitBytes", 36 + 17))));
      assertEquals(0, c.result("takeFromQueue", take(conn, "limitBytes", 17)).size());
      assertEquals(added.subList(2, 3), ids(c.result("takeFromQueue", take(conn, "limitBytes", 18, "limit", 5))));
    }
  }

  @Test
  void deleteMessages_removes_the_returned_messages() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      List<String> added = addMany(c, conn, "d", 3);
      assertEquals(added.subList(0, 2), ids(c.result("takeFromQueue", take(conn, "limit", 2, "deleteMessages", true))));
      assertEquals(1, count(c, conn));
      assertTrue(c.result("removeLiveSession", Map.of("connectionId", conn)).isBoolean());
      assertEquals(1, count(c, conn), "deleted messages do not come back on release");
    }
  }

  @Test
  void recipientDid_selects_only_messages_for_that_recipient() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String both = c.result("addMessage", Map.of("connectionId", conn, "recipientDids", List.of("did:a", "did:b"),
          "payload", Wire.payload("ab"))).get("messageId").asText();
      String onlyA = addMessage(c, conn, "did:a", "a");
      String onlyB = addMessage(c, conn, "did:b", "b");
      assertEquals(0, c.result("getAvailableMessageCount", Map.of("connectionId", conn, "recipientDid", "did:c"))
          .intValue());
      assertEquals(0, c.result("takeFromQueue", take(conn, "recipientDid", "did:c")).size());
      assertEquals(2, c.result("getAvailableMessageCount", Map.of("connectionId", conn, "recipientDid", "did:b"))
          .intValue());
      assertEquals(List.of(both, onlyB), ids(c.result("takeFromQueue", take(conn, "recipientDid", "did:b"))));
      assertEquals(List.of(onlyA), ids(c.result("takeFromQueue", take(conn, "recipientDid", "did:a"))));
    }
  }

  @Test
  void concurrent_takes_never_return_the_same_message() throws Exception {
    int messages = 200;
    try (WsTestClient filler = WsTestClient.connect(server.wsPort())) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < messages / 2; i++) {
        batch.append(i == 0 ? "" : ",").append(WsTestClient.request(i, "addMessage", add(conn, "d", Wire.payload("c" + i))));
      }
      filler.send(batch.append(']').toString());
      filler.nextAnswer();
      filler.send(batch.toString());
      filler.nextAnswer();
    }
    assertEquals(messages, countOf(conn));
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        clients.add(WsTestClient.connect(server.wsPort()));
      }
      Set<String> seen = new HashSet<>();
      int total = 0;
      for (int round = 0; round < messages && total < messages; round++) {
        for (int i = 0; i < clients.size(); i++) {
          clients.get(i).send(WsTestClient.request(round, "takeFromQueue", take(conn, "limit", 3)));
        }
        for (WsTestClient c : clients) {
          JsonNode answer = c.nextAnswer();
          for (String id : ids(answer.get("result"))) {
            assertTrue(seen.add(id), "message " + id + " was returned twice");
            total++;
          }
        }
      }
      assertEquals(messages, total);
    } finally {
      clients.forEach(WsTestClient::close);
    }
  }

  private static int countOf(String conn) {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      return count(c, conn);
    }
  }
}
