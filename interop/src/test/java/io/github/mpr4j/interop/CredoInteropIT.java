package io.github.mpr4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.server.MprServer;
import io.github.mpr4j.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Credo 0.5 mediator, mediatee and sender (interop/credo, Node) against servers this test starts: one on
 * the embedded store, and two instances sharing one Redis. {@code -Dmpr.interop.skip=true} skips it.
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CredoInteropIT {
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");
  private static final long RUN_MINUTES = 20; // the first run installs the npm packages

  @TempDir
  Path dir;

  private static MprServer start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("WS_PORT", "0");
    env.put("APP_PORT", "0");
    env.put("MPR_BIND_ADDRESS", "127.0.0.1");
    env.put("MPR_SHUTDOWN_GRACE_MS", "2000");
    env.putAll(extra);
    return MprServer.create(ServerConfig.fromEnvironment(env)).start();
  }

  private static String url(MprServer server) {
    return "ws://127.0.0.1:" + server.wsPort();
  }

  @Test
  void a_credo_mediator_and_mediatee_pass_the_suite_on_the_embedded_store() throws Exception {
    try (MprServer server = start(Map.of("MPR_STORE", "embedded", "MPR_DATA_DIR", dir.resolve("data").toString()))) {
      assertAllPassed(runSuite("embedded", url(server)), 6);
    }
  }

  @Test
  void two_credo_mediator_instances_pass_the_suite_on_two_servers_sharing_redis() throws Exception {
    Map<String, String> redis = Map.of("MPR_STORE", "redis", "REDIS_URL", RedisServers.single().uri().toString());
    try (MprServer a = start(redis); MprServer b = start(redis)) {
      assertAllPassed(runSuite("redis", url(a), url(b)), 7);
    }
  }

  /** Runs {@code bash credo/run.sh URL...} and returns its output; a run that does not end in time is killed. */
  private String runSuite(String name, String... urls) throws IOException, InterruptedException {
    assumeFalse(Boolean.getBoolean("mpr.interop.skip"), "mpr.interop.skip is set");
    Path script = Path.of("credo", "run.sh").toAbsolutePath();
    assertTrue(Files.isRegularFile(script), "no " + script);
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(urls));
    Path log = dir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
        fail("the interop suite did not end within " + RUN_MINUTES + " minutes:\n" + tail(log));
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("Credo interop suite (" + name + "):\n" + summaryLines(output));
    assertEquals(0, process.exitValue(), "the interop suite failed:\n" + tail(log));
    return output;
  }

  private static void assertAllPassed(String output, int checks) {
    String[] lines = output.strip().split("\n");
    Matcher summary = SUMMARY.matcher(lines[lines.length - 1]);
    assertTrue(summary.matches(), "the last line is not a summary: " + lines[lines.length - 1]);
    assertEquals(checks + " passed, 0 failed", summary.group(), summaryLines(output));
  }

  /** The PASS/FAIL/SKIP lines and the summary, without the agents' logs. */
  private static String summaryLines(String output) {
    StringBuilder sb = new StringBuilder();
    for (String line : output.split("\n")) {
      if (line.startsWith("PASS ") || line.startsWith("FAIL ") || line.startsWith("SKIP ") || SUMMARY.matcher(line).matches()) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }
}
