package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sockets that write and never read: above the high-water mark of unsent bytes the server stops reading
 * them, and past the hard limit (or after the stall time) closes them with 1008; their memory stays bounded
 * and nothing answered or queued is lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SlowReaderIT {
  /** The most request bytes the writer offers: a server that kept reading would take them all. */
  private static final long WRITE_BOUND = 32L * 1024 * 1024;

  private static long metric(MprServer server, String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.appPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(r.body());
    double sum = 0; // Prometheus' client writes 1.0, 1.5E7
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return (long) sum;
  }

  /** Adds a live session for {@code conn} on the raw socket and waits until the other socket sees it. */
  private static void holdLiveSession(RawWsSocket holder, WsTestClient other, String conn) throws Exception {
    holder.send(WsTestClient.request(1, "addLiveSession", Map.of("connectionId", conn, "sessionId", "s1")));
    awaitLiveSession(other, conn, true);
  }

  /** Waits up to 10 s for getLiveSession of {@code conn} to answer {@code held}. */
  private static void awaitLiveSession(WsTestClient c, String conn, boolean held) throws InterruptedException {
    for (int i = 0; i < 500 && c.result("getLiveSession", Map.of("connectionId", conn)).booleanValue() != held; i++) {
      Thread.sleep(20);
    }
  }

  @Test
  void a_socket_that_never_reads_is_no_longer_read_and_gets_every_answer_once_it_reads() throws Exception {
    try (MprServer server = TestServers.start(Map.of("MPR_WRITE_BUFFER_HIGH_BYTES", "65536"));
        RawWsSocket raw = RawWsSocket.connect(server.wsPort())) {
      long written = 0;
      long requests = 0;
      long lastProgress = System.nanoTime();
      byte[] frame = null;
      while (written < WRITE_BOUND && System.nanoTime() - lastProgress < 2_000_000_000L) {
        if (frame == null) {
          frame = RawWsSocket.textFrame("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + (requests + 1) + "}");
        }
        if (raw.offer(frame)) {
          written += frame.length;
          requests++;
          frame = null;
          lastProgress = System.nanoTime();
        } else {
          Thread.sleep(1);
        }
      }
      long answered = metric(server, "mpr_rpc_requests_total{method=\"ping\",outcome=\"ok\"}");
      assertTrue(written < WRITE_BOUND, "the server stopped reading: the writer stalled after " + written + " bytes");
      // what it answered fills the kernel's socket buffers (a few MiB on loopback) and the 64 KiB high-water mark
      assertTrue(answered < 200_000,
          "the server answered " + answered + " of " + requests + " requests written before it stopped reading");

      try (WsTestClient other = WsTestClient.connect(server.wsPort())) {
        assertTrue(other.pingPongs(), "other sockets are served meanwhile");
      }

      // once it reads, every request written whole is answered, in order (a frame written in part stays
      // incomplete: the server waits for its rest)
      for (long id = 1; id <= requests; id++) {
        RawWsSocket.Frame f = raw.nextFrame(20_000);
        assertNotNull(f, "the stream ended before the answer to " + id);
        JsonNode answer = WsTestClient.parse(f.text());
        assertEquals(id, answer.get("id").longValue(), f.text());
      }
    }
  }

  @Test
  void a_live_socket_that_never_reads_is_closed_with_1008_past_the_limit_and_its_messages_stay_queued()
      throws Exception {
    String conn = "conn-" + UUID.randomUUID();
    int added = 0;
    try (MprServer server = TestServers.start(Map.of("MPR_WRITE_BUFFER_HIGH_BYTES", "65536",
            "MPR_WRITE_BUFFER_LIMIT_BYTES", "1048576", "MPR_WRITE_STALL_MS", "20000"));
        RawWsSocket holder = RawWsSocket.connect(server.wsPort());
        WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      holdLiveSession(holder, sender, conn);
      String ciphertext = "c".repeat(256 * 1024);
      // 40 x 256 KiB: more than the kernel's socket buffers and the 1 MiB limit can hold
      for (; added < 40; added++) {
        sender.result("addMessage", add(conn, "did:example:r", payload(ciphertext)));
      }
      assertEquals(1, metric(server, "mpr_websocket_slow_closed_total"));

      // the holder reads what it was sent before the limit, then the close frame
      RawWsSocket.Frame f;
      int notifications = 0;
      RawWsSocket.Frame close = null;
      while ((f = holder.nextFrame(20_000)) != null) {
        if (f.opcode() == 0x8) {
          close = f;
          break;
        }
        if (f.text().contains("\"messagesReceived\"")) {
          notifications++;
        }
      }
      assertNotNull(close, "a close frame after " + notifications + " notifications");
      assertEquals(1008, close.closeStatus());
      assertTrue(notifications < added, notifications + " of " + added + " were sent");

      awaitLiveSession(sender, conn, false);
      assertFalse(sender.result("getLiveSession", Map.of("connectionId", conn)).booleanValue(),
          "the closed socket's live session ended");
      assertEquals(added, count(sender, conn), "every message is pending again for the next session");
      assertTrue(sender.pingPongs());
    }
  }

  @Test
  void a_socket_that_stays_over_the_high_water_mark_is_closed_after_the_stall_time() throws Exception {
    String conn = "conn-" + UUID.randomUUID();
    try (MprServer server = TestServers.start(Map.of("MPR_WRITE_BUFFER_HIGH_BYTES", "65536",
            "MPR_WRITE_STALL_MS", "1000"));
        RawWsSocket holder = RawWsSocket.connect(server.wsPort());
        WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      holdLiveSession(holder, sender, conn);
      String ciphertext = "s".repeat(256 * 1024);
      int added = 0;
      for (; added < 24; added++) { // 6 MiB: past the kernel's buffers, under the 32 MiB limit
        sender.result("addMessage", add(conn, "did:example:r", payload(ciphertext)));
      }
      awaitLiveSession(sender, conn, false);
      assertFalse(sender.result("getLiveSession", Map.of("connectionId", conn)).booleanValue(),
          "the stalled socket was closed and its live session ended");
      assertEquals(1, metric(server, "mpr_websocket_slow_closed_total"));
      assertEquals(added, count(sender, conn));
    }
  }
}
