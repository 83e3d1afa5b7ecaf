package io.github.mpr4j.server.testing;

import io.github.mpr4j.server.MprServer;
import io.github.mpr4j.server.ServerConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An MPR server for tests: in-process, on a free port of the loopback address, with the in-memory store
 * (messages live as long as the server runs). Put it in the tests of code that uses an MPR client:
 *
 * <pre>{@code
 * try (MprTestServer server = MprTestServer.start();
 *      MprClient client = MprClient.builder().uri(server.wsUri()).build()) {
 *   client.addMessage(...).join();
 *   server.restart(); // same port, empty store: the client reconnects
 * }
 * }</pre>
 *
 * <p>{@link #stop()} takes the server down and {@link #restart()} brings a new one up on the same port
 * (with an empty store), which is how a test shows a client riding over a server restart. All methods are
 * safe from any thread; {@link #close()} is idempotent.
 *
 * <p>It comes in the {@code mpr-testing} artifact, which carries the server without the Redis and MongoDB
 * drivers, the push providers and a logging binding: the store is always the in-memory one, and the
 * server logs through the test's own SLF4J set-up (its settings at DEBUG).
 */
public final class MprTestServer implements AutoCloseable {
  private static final List<String> STORE_VARIABLES =
      List.of(ServerConfig.MPR_STORE, ServerConfig.REDIS_URL, ServerConfig.REDIS_NODES, ServerConfig.MONGODB_URI);
  private final Map<String, String> environment;
  private int wsPort;
  private MprServer server;
  private boolean closed;

  private MprTestServer(Map<String, String> environment) {
    this.environment = environment;
  }

  /** A started server with the in-memory store on a free loopback port. */
  public static MprTestServer start() {
    return start(Map.of());
  }

  /**
   * A started server with the in-memory store on a free loopback port, and further settings as environment
   * variables of the server (for example {@code MPR_AUTH_TOKENS} or {@code MPR_MAX_IN_FLIGHT}; see the
   * README's configuration table).
   *
   * @param settings environment variables of the server; those that choose a store are refused
   * @return the started server
   * @throws IllegalArgumentException when {@code settings} choose a store: the test server has the in-memory
   *     one only
   * @throws io.github.mpr4j.server.ConfigurationException when a setting is malformed
   */
  public static MprTestServer start(Map<String, String> settings) {
    for (String storeVariable : STORE_VARIABLES) {
      if (Objects.requireNonNull(settings, "settings").containsKey(storeVariable)) {
        throw new IllegalArgumentException(storeVariable + ": the test server always runs the in-memory store");
      }
    }
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.WS_PORT, "0");
    env.put(ServerConfig.APP_PORT, "0");
    env.put(ServerConfig.MPR_BIND_ADDRESS, "127.0.0.1");
    env.put(ServerConfig.MPR_STORE, "memory");
    env.put(ServerConfig.MPR_SHUTDOWN_GRACE_MS, "1000");
    env.putAll(settings);
    MprTestServer s = new MprTestServer(Map.copyOf(env));
    s.startOn(Integer.parseInt(env.get(ServerConfig.WS_PORT)));
    return s;
  }

  private void startOn(int port) {
    ServerConfig config = ServerConfig.fromEnvironment(environment).withPorts(port, 0);
    server = MprServer.create(config).start();
    wsPort = server.wsPort();
  }

  /** The WebSocket endpoint, {@code ws://127.0.0.1:PORT/}. */
  public synchronized URI wsUri() {
    return URI.create("ws://127.0.0.1:" + wsPort + "/");
  }

  /**
   * The HTTP endpoint, {@code http://127.0.0.1:PORT/}: health, readiness, metrics and the callback gateway
   * ({@code /callback/...}). Its port changes across {@link #restart()}.
   *
   * @throws IllegalStateException when the server is down
   */
  public synchronized URI appUri() {
    if (server == null) {
      throw new IllegalStateException("the test server is down");
    }
    return URI.create("http://127.0.0.1:" + server.appPort() + "/");
  }

  /** The WebSocket port (the same across {@link #restart()}). */
  public synchronized int wsPort() {
    return wsPort;
  }

  /** Whether the server is up (started and neither stopped nor closed). */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Takes the server down as a shutdown does: open sockets are closed (status 1001) and the store is
   * dropped. {@link #restart()} brings it back on the same port. Does nothing when it is down.
   */
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /**
   * Stops the server when it runs, then starts a new one on the same port with an empty store.
   *
   * @throws IllegalStateException when closed, or when the port was taken in the meantime
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("the test server is closed");
    }
    stop();
    startOn(wsPort);
  }

  /** Stops the server for good. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    stop();
  }
}
