package io.github.mpr4j.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.server.MprServer;
import io.github.mpr4j.server.ServerConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short run of every mode of the load tool against a real server (a fresh one per test): the tool works
 * and counts right. How fast is for docs/benchmarks.md: here Netty's paranoid leak detection slows all down.
 */
@Timeout(120)
class LoadToolSmokeIT {
  private MprServer server;

  @BeforeEach
  void start() {
    Map<String, String> env = new HashMap<>();
    env.put("WS_PORT", "0");
    env.put("APP_PORT", "0");
    env.put("MPR_BIND_ADDRESS", "127.0.0.1");
    env.put("MPR_STORE", "memory");
    server = MprServer.create(ServerConfig.fromEnvironment(env)).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LoadTool.Result run(String mode, String... extra) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of(
        "uri", "ws://127.0.0.1:" + server.wsPort() + "/",
        "seconds", "2",
        "connections", "50",
        "sockets", "2",
        "inflight", "16",
        "server-pid", Long.toString(ProcessHandle.current().pid())));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      opts.put(extra[i], extra[i + 1]);
    }
    LoadTool.Result r = new LoadTool(opts).run(mode);
    System.out.println(r.report());
    return r;
  }

  @Test
  void addModeStoresMessagesWithoutErrors() throws Exception {
    LoadTool.Result r = run("add", "messages", "500", "seconds", "60");
    assertEquals(500, r.messages());
    assertEquals(0, r.errors());
  }

  @Test
  void liveModeMeasuresTheLatencyOfEveryDeliveredMessage() throws Exception {
    LoadTool.Result r = run("live", "rate", "200", "warmup-seconds", "0");
    assertEquals(400, r.messages());
    assertEquals(0, r.errors());
    assertTrue(r.latenciesNanos().length > 0);
  }

  @Test
  void drainModeEmptiesWhatItFilled() throws Exception {
    LoadTool.Result r = run("drain", "messages", "500", "connections", "10", "seconds", "60");
    assertEquals(500, r.messages());
    assertEquals(0, r.errors());
  }

  @Test
  void clientModeAddsThroughOneMprClientWithoutErrors() throws Exception {
    LoadTool.Result r = run("client", "messages", "500", "seconds", "60");
    assertEquals(500, r.messages());
    assertEquals(0, r.errors());
    assertTrue(r.extra().contains(" us of CPU per call"), r.extra());
  }

  @Test
  void callbackModeDeliversEveryPostToTheBrowserSocket() throws Exception {
    LoadTool.Result r = run("callback", "app-uri", "http://127.0.0.1:" + server.appPort() + "/", "rate", "50",
        "warmup-seconds", "0");
    assertEquals(100, r.messages());
    assertEquals(0, r.errors());
    assertTrue(r.latenciesNanos().length > 0);
  }
}
