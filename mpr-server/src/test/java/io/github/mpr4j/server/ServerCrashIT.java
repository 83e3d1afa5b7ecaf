package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process (SIGKILL) in the middle of a stream of addMessage calls and restarts it on the
 * same data directory: every answered message is still there, in order, with its state.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ServerCrashIT {
  private static final String CONN = "crash-conn";
  private static final int KILL_AFTER_ANSWERS = 300;
  private static final int MAX_STREAM = 100_000;

  @TempDir
  Path dir;

  @Test
  void every_answered_message_survives_a_kill_in_order_with_its_state() throws Exception {
    Path data = dir.resolve("data");
    int wsPort = ChildServer.freePort();
    int appPort = ChildServer.freePort();
    List<String> answered = new ArrayList<>();
    List<String> sending;
    String removed;
    String pendingBefore;

    Process first = startServer(data, wsPort, appPort, dir.resolve("first.log"));
    try {
      ChildServer.awaitReady(first, appPort, dir.resolve("first.log"));
      try (WsTestClient c = WsTestClient.connect(wsPort)) {
        List<String> before = List.of(addMessage(c, CONN, "d", "s1"), addMessage(c, CONN, "d", "s2"),
            addMessage(c, CONN, "d", "s3"));
        sending = ids(c.result("takeFromQueue", take(CONN, "limit", 2)));
        assertEquals(before.subList(0, 2), sending);
        pendingBefore = before.get(2);
        removed = addMessage(c, CONN, "d", "removed");
        c.result("removeMessages", Map.of("connectionId", CONN, "messageIds", List.of(removed)));

        // stream one request at a time, so the queue order is the answer order; kill mid-stream
        for (int i = 0; i < MAX_STREAM; i++) {
          if (i == KILL_AFTER_ANSWERS) {
            c.send(WsTestClient.request(i, "addMessage", add(CONN, "d", payload("m" + i))));
            first.destroyForcibly();
            break;
          }
          c.send(WsTestClient.request(i, "addMessage", add(CONN, "d", payload("m" + i))));
          JsonNode answer = c.nextAnswer();
          assertEquals(i, answer.get("id").intValue());
          answered.add(answer.get("result").get("messageId").asText());
        }
      }
      assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed server did not exit");
    } finally {
      first.destroyForcibly();
    }

    Process second = startServer(data, wsPort, appPort, dir.resolve("second.log"));
    try {
      ChildServer.awaitReady(second, appPort, dir.resolve("second.log"));
      try (WsTestClient c = WsTestClient.connect(wsPort)) {
        int available = c.result("getAvailableMessageCount", Map.of("connectionId", CONN)).intValue();
        List<String> queue = ids(c.result("takeFromQueue", take(CONN, "limit", 1000)));
        assertEquals(available, queue.size());
        assertFalse(queue.isEmpty(), "the queue is empty after the restart");
        assertEquals(pendingBefore, queue.get(0), "the pending message survived");
        assertEquals(answered, queue.subList(1, 1 + answered.size()), "every answered message, in order");
        assertTrue(queue.size() <= 2 + answered.size(), "at most the unanswered last request is extra");
        for (String id : sending) {
          assertFalse(queue.contains(id), "a sending message stayed sending: " + id);
        }
        assertFalse(queue.contains(removed), "a removed message stayed removed");
      }
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS), "SIGTERM did not stop the server");
    } finally {
      second.destroyForcibly();
    }
  }

  private static Process startServer(Path data, int wsPort, int appPort, Path log) throws IOException {
    return ChildServer.start(Map.of(
        "WS_PORT", String.valueOf(wsPort),
        "APP_PORT", String.valueOf(appPort),
        "MPR_STORE", "embedded",
        "MPR_DATA_DIR", data.toString(),
        "MPR_VISIBILITY_TIMEOUT_MS", "600000"), log);
  }
}
