package io.github.mpr4j.server;

import java.util.HashMap;
import java.util.Map;

/** Servers for the integration tests: loopback only, free ports, the in-memory store. */
final class TestServers {
  private TestServers() {}

  /** A started server with the in-memory store and the given extra environment variables. */
  static MprServer start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("WS_PORT", "0");
    env.put("APP_PORT", "0");
    env.put("MPR_BIND_ADDRESS", "127.0.0.1");
    env.put("MPR_STORE", "memory");
    env.put("MPR_SHUTDOWN_GRACE_MS", "2000");
    env.putAll(extra);
    return MprServer.create(ServerConfig.fromEnvironment(env)).start();
  }

  static MprServer start() {
    return start(Map.of());
  }
}
