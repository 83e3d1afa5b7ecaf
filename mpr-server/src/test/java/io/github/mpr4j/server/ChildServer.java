package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@link Main} in a child JVM on the test's class path, its output going to a file. */
final class ChildServer {
  private ChildServer() {}

  static Process start(Map<String, String> environment, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.github.mpr4j.server.Main");
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("MPR_") || k.startsWith("REDIS_") || k.equals("MONGODB_URI")
        || k.equals("WS_PORT") || k.equals("APP_PORT"));
    env.put("MPR_BIND_ADDRESS", "127.0.0.1");
    env.putAll(environment);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** Connects to the child's WebSocket port once it listens (within 30 s), failing with its log if it exits. */
  static WsTestClient connectWhenUp(Process child, int port, Path log) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (!child.isAlive()) {
        fail("the child server exited:\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        return WsTestClient.connect(port);
      } catch (RuntimeException notYet) {
        Thread.sleep(100);
      }
    }
    fail("the child server did not listen within 30 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    return null;
  }

  /** Sends a signal ({@code STOP}, {@code CONT}) to the child. */
  static void signal(Process child, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + child.pid()).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      fail("kill -" + signal + " did not return within 10 s");
    }
    assertEquals(0, kill.exitValue(), "kill -" + signal + " " + child.pid());
  }

  /** A port that was free a moment ago on the loopback address. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits (up to 30 s) until the child answers 200 on /ready; fails with its log when it exits or is not ready. */
  static void awaitReady(Process p, int appPort, Path log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 300; i++) {
      if (!p.isAlive()) {
        fail("the server exited with " + p.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("the server was not ready within 30 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
  }
}
