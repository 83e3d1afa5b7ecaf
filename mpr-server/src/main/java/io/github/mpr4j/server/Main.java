package io.github.mpr4j.server;

/**
 * Starts an MPR server configured by environment variables and stops it gracefully on SIGTERM. Exits with
 * status 2 and a one-line message on a configuration error, 1 when the server cannot start.
 */
public final class Main {
  private Main() {}

  /** Runs the server until the process is told to stop. Arguments are ignored. */
  public static void main(String[] args) {
    ServerConfig config;
    try {
      config = ServerConfig.fromEnvironment(System.getenv());
    } catch (ConfigurationException e) {
      System.err.println("mpr-server: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    MprServer server = MprServer.standalone(config);
    try {
      server.start();
    } catch (RuntimeException e) {
      System.err.println("mpr-server: could not start: " + e.getMessage());
      server.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mpr-shutdown"));
  }
}
