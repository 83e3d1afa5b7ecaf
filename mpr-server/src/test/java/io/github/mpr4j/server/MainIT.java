package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The process entry point: exit status and message on bad configuration. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MainIT {
  @TempDir
  Path dir;

  private List<String> run(Map<String, String> env, int expectedExit) throws Exception {
    Path log = dir.resolve("main.log");
    Process p = ChildServer.start(env, log);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process did not exit");
    assertEquals(expectedExit, p.exitValue());
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  @Test
  void a_configuration_error_exits_with_2_and_one_line_naming_the_variable() throws Exception {
    List<String> out = run(Map.of("WS_PORT", "not-a-port"), 2);
    assertEquals(1, out.size(), String.valueOf(out));
    assertTrue(out.get(0).startsWith("mpr-server: configuration error: WS_PORT:"), out.get(0));
  }

  @Test
  void mongodb_with_redis_selects_the_tiered_store_and_exits_with_1_when_redis_cannot_be_reached() throws Exception {
    List<String> out = run(Map.of("MONGODB_URI", "mongodb://127.0.0.1:1", "REDIS_URL", "redis://127.0.0.1:1",
        "MPR_REDIS_TIMEOUT_MS", "300", "MPR_MONGO_TIMEOUT_MS", "300"), 1);
    assertTrue(out.stream().anyMatch(l -> l.startsWith("mpr-server: could not start: ") && l.contains("redis")),
        String.valueOf(out));
  }

  @Test
  void a_port_that_cannot_be_bound_exits_with_1() throws Exception {
    try (MprServer other = TestServers.start()) {
      List<String> out = run(Map.of("WS_PORT", String.valueOf(other.wsPort()), "APP_PORT", "0", "MPR_STORE", "memory"),
          1);
      assertTrue(out.stream().anyMatch(l -> l.startsWith("mpr-server: could not start: ") && l.contains("WS_PORT")),
          String.valueOf(out));
    }
  }
}
