package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar's logs, as an operator sees them: with MPR_LOG_FORMAT=json one JSON object per line
 * naming the instance, and, in either format, no secret of the configuration (tokens, callback keys, the
 * passwords in REDIS_URL and MONGODB_URI) in any line, whether the run serves requests or fails to start.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogSecretsIT {
  private static final String REDIS_PASSWORD = "redis-pass-" + UUID.randomUUID();
  private static final String MONGO_PASSWORD = "mongo-pass-" + UUID.randomUUID();
  private static final String SEND_TOKEN = "send-token-" + UUID.randomUUID();
  private static final String FULL_TOKEN = "full-token-" + UUID.randomUUID();
  private static final String WRONG_TOKEN = "wrong-token-" + UUID.randomUUID();
  private static final String CALLBACK_KEY = "callback-key-" + UUID.randomUUID();
  private static final String WRONG_KEY = "wrong-key-" + UUID.randomUUID();
  private static final List<String> SECRETS =
      List.of(REDIS_PASSWORD, MONGO_PASSWORD, SEND_TOKEN, FULL_TOKEN, WRONG_TOKEN, CALLBACK_KEY, WRONG_KEY);

  @TempDir Path dir;

  @Test
  void aJsonRunServingRequestsWritesOneObjectPerLineAndNoSecret() throws Exception {
    int redisPort = ChildServer.freePort();
    Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
        "--requirepass", REDIS_PASSWORD, "--save", "", "--appendonly", "no")
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    int wsPort = ChildServer.freePort();
    int appPort = ChildServer.freePort();
    Path log = dir.resolve("server.log");
    Process server = null;
    try {
      awaitListening(redisPort, redis);
      server = startJar(Map.of("MPR_LOG_FORMAT", "json", "WS_PORT", String.valueOf(wsPort),
          "APP_PORT", String.valueOf(appPort),
          "REDIS_URL", "redis://default:" + REDIS_PASSWORD + "@127.0.0.1:" + redisPort,
          "MPR_AUTH_TOKENS", SEND_TOKEN + ":send," + FULL_TOKEN, "MPR_CALLBACK_KEYS", CALLBACK_KEY), log);
      awaitListening(appPort, server);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertEquals(200, get(http, appPort, "/ready").statusCode());
      assertThrows(RuntimeException.class, () -> WsTestClient.connect(wsPort, "/?token=" + WRONG_TOKEN, Map.of()));
      try (WsTestClient c = WsTestClient.connect(wsPort, "/?token=" + FULL_TOKEN, Map.of())) {
        Wire.addMessage(c, "conn-logs", "did:example:r", "hello");
      }
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort
          + "/callback/" + UUID.randomUUID())).header("Authorization", "Bearer " + WRONG_KEY)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, refused.statusCode());
      server.destroy();
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
      redis.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertTrue(lines.size() >= 3, String.valueOf(lines));
    boolean named = false;
    for (String line : lines) {
      JsonNode o = WsTestClient.parse(line);
      for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
        assertTrue(o.hasNonNull(field), field + " missing in " + line);
      }
      named |= o.hasNonNull("instance");
    }
    assertTrue(named, "no line names the instance: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("MPR server stopped")), String.valueOf(lines));
    assertNoSecret(lines);
  }

  @Test
  void aTextRunThatCannotReachItsStoresNamesThemWithoutTheirPasswords() throws Exception {
    Path log = dir.resolve("failed.log");
    Process server = startJar(Map.of("WS_PORT", "0", "APP_PORT", "0",
        "REDIS_URL", "redis://default:" + REDIS_PASSWORD + "@127.0.0.1:1",
        "MONGODB_URI", "mongodb://mpr:" + MONGO_PASSWORD + "@127.0.0.1:1/?authSource=admin",
        "MPR_REDIS_TIMEOUT_MS", "300", "MPR_MONGO_TIMEOUT_MS", "300",
        "MPR_AUTH_TOKENS", FULL_TOKEN, "MPR_CALLBACK_KEYS", CALLBACK_KEY), log);
    try {
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not exit");
      assertEquals(1, server.exitValue());
    } finally {
      server.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("mpr-server: could not start: ")), String.valueOf(lines));
    assertNoSecret(lines);
  }

  private static void assertNoSecret(List<String> lines) {
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (String secret : SECRETS) {
        if (line.contains(secret)) {
          leaks.add(line);
        }
      }
    }
    assertTrue(leaks.isEmpty(), "secrets in the log: " + leaks);
  }

  /** Runs the shaded jar that {@code mvn package} made, as an operator would, with only these variables. */
  private static Process startJar(Map<String, String> env, Path log) throws IOException {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar = files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst().orElse(null);
    }
    assumeTrue(jar != null, "the runnable jar is not built (mvn package makes target/mpr-server-*-all.jar)");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("MPR_") || k.startsWith("REDIS_") || k.equals("MONGODB_URI")
        || k.equals("WS_PORT") || k.equals("APP_PORT") || k.startsWith("JAVA_TOOL"));
    pb.environment().put("MPR_BIND_ADDRESS", "127.0.0.1");
    pb.environment().put("MPR_DATA_DIR", log.resolveSibling("data").toString());
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitListening(int port, Process process) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (!process.isAlive()) {
        fail("the process exited with " + process.exitValue() + " before listening on " + port);
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    fail("nothing listened on " + port + " within 30 s");
  }

  @Test
  void aLogFormatOtherThanTextOrJsonStopsStartUpNamingTheVariable() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ServerConfig.fromEnvironment(Map.of("MPR_LOG_FORMAT", "xml")));
    assertEquals("MPR_LOG_FORMAT", e.variable());
    assertFalse(ServerConfig.fromEnvironment(Map.of("MPR_LOG_FORMAT", "json")).authenticationEnabled());
  }
}
