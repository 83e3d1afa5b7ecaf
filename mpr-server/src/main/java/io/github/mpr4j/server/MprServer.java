package io.github.mpr4j.server;

import io.github.mpr4j.server.internal.ServerRuntime;
import java.util.Objects;

/**
 * An MPR server: the WebSocket JSON-RPC endpoint on {@code WS_PORT} and the HTTP operations endpoints on
 * {@code APP_PORT}, over one pickup queue.
 *
 * <pre>{@code
 * try (MprServer server = MprServer.create(ServerConfig.fromEnvironment(System.getenv())).start()) {
 *   System.out.println("ws://localhost:" + server.wsPort() + "/");
 * }
 * }</pre>
 *
 * <p>{@link #close()} is idempotent and safe from any thread, including a shutdown hook.
 */
public final class MprServer implements AutoCloseable {
  private final ServerConfig config;
  private final ServerRuntime runtime;

  private MprServer(ServerConfig config, boolean standalone) {
    this.config = config;
    this.runtime = new ServerRuntime(config, standalone);
  }

  /**
   * A server with the given configuration, not yet started. It logs its settings at DEBUG when it starts
   * (the standalone server, {@link Main}, at INFO).
   *
   * @param config the settings
   * @return the server, to be started with {@link #start()}
   */
  public static MprServer create(ServerConfig config) {
    return new MprServer(Objects.requireNonNull(config, "config"), false);
  }

  /** The server of {@link Main}: the process is the server, so its settings are logged at INFO. */
  static MprServer standalone(ServerConfig config) {
    return new MprServer(Objects.requireNonNull(config, "config"), true);
  }

  /**
   * Opens the store and binds both ports.
   *
   * @return this server
   * @throws IllegalStateException when the store cannot be opened or a port cannot be bound, or when the
   *     server was started or closed before
   */
  public MprServer start() {
    runtime.start();
    return this;
  }

  /** The configuration the server runs with. */
  public ServerConfig config() {
    return config;
  }

  /** The port the WebSocket endpoint listens on (the bound one when {@code WS_PORT} was 0). */
  public int wsPort() {
    return runtime.wsPort();
  }

  /** The port the HTTP endpoint listens on (the bound one when {@code APP_PORT} was 0). */
  public int appPort() {
    return runtime.appPort();
  }

  /**
   * Stops accepting connections, lets requests in flight be answered (at most {@code MPR_SHUTDOWN_GRACE_MS}),
   * closes every WebSocket with status 1001, then closes the queue and its store. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
