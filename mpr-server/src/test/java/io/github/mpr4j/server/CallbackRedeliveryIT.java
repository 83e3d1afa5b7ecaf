package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Acknowledged notifications are gone; unacknowledged and pending ones come on the next connection, in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackRedeliveryIT {
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static int n(JsonNode notification) {
    return notification.get("data").get("n").asInt();
  }

  @Test
  void notifications_posted_while_away_arrive_in_order_on_reconnection() throws Exception {
    String id;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      id = b.clientId;
    }
    Thread.sleep(200);
    for (int i = 0; i < 5; i++) {
      assertEquals(202, CallbackBrowser.post(server, id, "{\"n\":" + i + "}").statusCode());
    }
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      List<JsonNode> got = b.notifications(5);
      for (int i = 0; i < 5; i++) {
        assertEquals(i, n(got.get(i)));
      }
    }
  }

  @Test
  void unacknowledged_notifications_are_delivered_again_and_acknowledged_ones_are_not() throws Exception {
    String id;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      id = b.clientId;
      for (int i = 0; i < 4; i++) {
        CallbackBrowser.post(server, id, "{\"n\":" + i + "}");
      }
      List<JsonNode> got = b.notifications(4);
      b.ack(got.get(0).get("id").asText(), got.get(2).get("id").asText());
      Thread.sleep(500); // the acks are removed before the socket closes
    }
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      List<JsonNode> again = b.notifications(2);
      assertEquals(1, n(again.get(0)));
      assertEquals(3, n(again.get(1)));
      b.ack(again.get(0).get("id").asText(), again.get(1).get("id").asText());
      assertNull(b.within(Duration.ofMillis(500)));
    }
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      assertNull(b.within(Duration.ofMillis(500)), "everything was acknowledged");
    }
  }

  @Test
  void acks_sent_just_before_the_socket_closes_count() throws Exception {
    // acked ids gather for a few milliseconds before their removal; the socket's end removes them first
    String id;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      id = b.clientId;
      for (int i = 0; i < 3; i++) {
        CallbackBrowser.post(server, id, "{\"n\":" + i + "}");
      }
      List<JsonNode> got = b.notifications(3);
      b.ack(got.get(0).get("id").asText(), got.get(1).get("id").asText());
    } // closes at once
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      List<JsonNode> again = b.notifications(1);
      assertEquals(2, n(again.get(0)));
      assertNull(b.within(Duration.ofMillis(500)), "the acknowledged ones are gone");
    }
  }

  @Test
  void the_backlog_comes_before_notifications_posted_while_it_is_sent() throws Exception {
    String id;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      id = b.clientId;
    }
    Thread.sleep(200);
    int backlog = 300;
    for (int i = 0; i < backlog; i++) {
      CallbackBrowser.post(server, id, "{\"n\":" + i + "}");
    }
    int total = backlog + 50;
    Thread poster = new Thread(() -> {
      for (int i = backlog; i < total; i++) {
        try {
          CallbackBrowser.post(server, id, "{\"n\":" + i + "}");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }
    });
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      poster.start();
      List<JsonNode> got = b.notifications(total);
      for (int i = 0; i < total; i++) {
        assertEquals(i, n(got.get(i)), "notification " + i);
      }
      assertNull(b.within(Duration.ofMillis(300)), "no duplicate");
    } finally {
      poster.join(10_000);
    }
  }

  @Test
  void a_browser_that_reconnects_again_and_again_while_notifications_are_posted_loses_none() throws Exception {
    String id;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      id = b.clientId;
    }
    int total = 200;
    java.util.Set<Integer> received = new java.util.TreeSet<>();
    Thread poster = new Thread(() -> {
      for (int i = 0; i < total; i++) {
        try {
          if (CallbackBrowser.post(server, id, "{\"n\":" + i + "}").statusCode() != 202) {
            throw new AssertionError("not accepted: " + i);
          }
          Thread.sleep(2);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }
    });
    poster.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int round = 0; round < 100 && received.size() < total && System.nanoTime() < deadline; round++) {
      try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
        for (int k = 0; k < 20; k++) {
          JsonNode f = b.within(Duration.ofMillis(50));
          if (f == null) {
            break;
          }
          received.add(n(f));
          b.ack(f.get("id").asText());
        }
      }
    }
    poster.join(10_000);
    try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
      for (JsonNode f = b.within(Duration.ofMillis(500)); f != null; f = b.within(Duration.ofMillis(500))) {
        received.add(n(f));
        b.ack(f.get("id").asText());
      }
    }
    assertEquals(total, received.size(), "every accepted notification arrived at least once");
  }
}
