package io.github.mpr4j.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

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

  /** A port that was free a moment ago on the loopback address. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
