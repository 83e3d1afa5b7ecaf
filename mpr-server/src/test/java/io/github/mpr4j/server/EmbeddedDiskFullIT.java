package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.core.embedded.TmpfsMount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on the embedded store with {@code MPR_DATA_DIR} on a 24 MiB tmpfs, filled over the WebSocket
 * with 8 KiB payloads (the test needs root to mount it, and is skipped with a message elsewhere).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EmbeddedDiskFullIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int DISK_MB = 24;
  private static final int MAX_ADDS = 10_000;
  private static final String CONNECTION = "conn-full";
  private static final String DID = "did:example:mediatee";
  /** Space freed inside the store's file is reused after MVStore's retention time (10 s). */
  private static final long ROOM_AGAIN_MILLIS = 30_000;

  @TempDir
  Path dir;

  @Test
  void a_full_disk_refuses_adds_with_disk_full_lets_a_mediator_drain_and_takes_adds_again_without_a_restart()
      throws Exception {
    try (TmpfsMount disk = TmpfsMount.mount(dir.resolve("disk"), DISK_MB);
        MprServer server = start(disk);
        WsTestClient ws = WsTestClient.connect(server.wsPort())) {
      assertReady(server);

      int answered = addUntilDiskFull(ws);
      assertTrue(answered > 100, "adds before the disk was full: " + answered);
      assertEquals(answered, count(ws), "every answered add is counted, and only those");
      assertNotReadyForDiskFull(server);
      assertDiskFull(ws.call("addMessage", add("one-more")));
      assertEquals(answered, count(ws));

      JsonNode handedOut = ws.result("takeFromQueue", Map.of("connectionId", CONNECTION, "limit", 50));
      assertEquals(50, handedOut.size());
      List<String> ids = new ArrayList<>();
      handedOut.forEach(m -> ids.add(m.get("id").asText()));
      assertTrue(ws.result("removeMessages", Map.of("connectionId", CONNECTION, "messageIds", ids)).asBoolean());
      int drained = 50;
      for (int i = 0; i < MAX_ADDS; i++) {
        int n = ws.result("takeFromQueue", Map.of("connectionId", CONNECTION, "limit", 100, "deleteMessages", true))
            .size();
        if (n == 0) {
          break;
        }
        drained += n;
      }
      assertEquals(answered, drained);
      assertEquals(0, count(ws));

      awaitAdd(ws, "after-the-drain");
      awaitReady(server);
      assertEquals(1, count(ws));
    }
  }

  @Test
  void a_start_on_a_full_disk_serves_reads_is_not_ready_and_recovers_when_space_is_freed() throws Exception {
    try (TmpfsMount disk = TmpfsMount.mount(dir.resolve("disk"), DISK_MB)) {
      int answered;
      try (MprServer server = start(disk); WsTestClient ws = WsTestClient.connect(server.wsPort())) {
        answered = addUntilDiskFull(ws);
      }
      Path otherProgram = disk.fill(Long.MAX_VALUE); // and now not a byte is left
      assertEquals(0, disk.usable());

      try (MprServer server = start(disk); WsTestClient ws = WsTestClient.connect(server.wsPort())) {
        assertNotReadyForDiskFull(server);
        assertEquals(answered, count(ws), "the answered messages are there");
        assertDiskFull(ws.call("addMessage", add("refused")));

        Files.delete(otherProgram);
        assertTrue(ws.result("removeAllMessages", Map.of("connectionId", CONNECTION, "recipientDid", DID))
            .asBoolean());
        assertEquals(0, count(ws));
        awaitReady(server);
        awaitAdd(ws, "after-the-restart");
      }
    }
  }

  private MprServer start(TmpfsMount disk) {
    return TestServers.start(Map.of(
        "MPR_STORE", "embedded",
        "MPR_DATA_DIR", disk.path().resolve("data").toString(),
        "MPR_EMBEDDED_CACHE_MB", "1",
        "MPR_EMBEDDED_MIN_FREE_MB", "4"));
  }

  private static int addUntilDiskFull(WsTestClient ws) {
    for (int i = 0; i < MAX_ADDS; i++) {
      JsonNode answer = ws.call("addMessage", add("m" + i));
      if (answer.has("error")) {
        assertDiskFull(answer);
        return i;
      }
    }
    return fail(MAX_ADDS + " adds of 8 KiB were answered on " + DISK_MB + " MiB");
  }

  private static void assertDiskFull(JsonNode answer) {
    JsonNode error = answer.path("error");
    assertEquals(-32000, error.path("code").asInt(), answer::toString);
    assertEquals("disk full", error.path("data").path("reason").asText(), answer::toString);
    assertFalse(error.path("data").path("retryable").asBoolean(true), answer::toString);
    assertTrue(error.path("message").asText().contains("disk full"), answer::toString);
  }

  private static void awaitAdd(WsTestClient ws, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_AGAIN_MILLIS);
    JsonNode answer;
    while ((answer = ws.call("addMessage", add(what))).has("error")) {
      assertDiskFull(answer);
      assertTrue(System.nanoTime() < deadline, "adds are still refused after " + ROOM_AGAIN_MILLIS + " ms: " + answer);
      Thread.sleep(200);
    }
  }

  private static int count(WsTestClient ws) {
    return ws.result("getAvailableMessageCount", Map.of("connectionId", CONNECTION)).asInt();
  }

  private static HttpResponse<String> ready(MprServer server) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + "/ready"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertReady(MprServer server) throws Exception {
    HttpResponse<String> r = ready(server);
    assertEquals(200, r.statusCode(), r::body);
    assertEquals(WsTestClient.parse("{\"status\":\"ready\"}"), WsTestClient.parse(r.body()));
  }

  private static void awaitReady(MprServer server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_AGAIN_MILLIS);
    HttpResponse<String> r;
    while ((r = ready(server)).statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "still not ready: " + r.body());
      Thread.sleep(200);
    }
    assertReady(server);
  }

  private static void assertNotReadyForDiskFull(MprServer server) throws Exception {
    HttpResponse<String> r = ready(server);
    assertEquals(503, r.statusCode(), r::body);
    JsonNode body = WsTestClient.parse(r.body());
    assertEquals("not ready", body.path("status").asText(), r::body);
    assertTrue(body.path("reason").asText().startsWith("disk full"), r::body);
  }

  private static Map<String, Object> add(String tag) {
    byte[] random = new byte[6 * 1024];
    ThreadLocalRandom.current().nextBytes(random);
    return Map.of("connectionId", CONNECTION, "recipientDids", List.of(DID), "payload", Map.of(
        "protected", "eyJhbGciOiJFQ0RILTFQVSJ9", "iv", tag,
        "ciphertext", Base64.getUrlEncoder().withoutPadding().encodeToString(random), "tag", "dGFn"));
  }
}
