package io.github.mpr4j.server;

/**
 * Starts an MPR server configured by environment variables and stops it gracefully on SIGTERM. Exits with
 * status 2 and a one-line message on a configuration error, 1 when the server cannot start. With the one
 * argument {@code vapid-keys} it prints a new Web Push (VAPID) key pair instead, as {@code public: <base64url>}
 * and {@code private: <base64url>}, for {@code MPR_WEBPUSH_VAPID_PUBLIC_KEY} and {@code
 * MPR_WEBPUSH_VAPID_PRIVATE_KEY}.
 */
public final class Main {
  private Main() {}

  /** Runs the server until the process is told to stop, or prints VAPID keys with {@code vapid-keys}. */
  public static void main(String[] args) {
    if (args.length > 0) {
      if (args.length == 1 && "vapid-keys".equals(args[0])) {
        System.out.print(vapidKeys());
        return;
      }
      System.err.println("mpr-server: unknown arguments " + String.join(" ", args)
          + " (no arguments: run the server; vapid-keys: print a new Web Push key pair)");
      System.exit(2);
      return;
    }
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

  /** A new VAPID key pair as the two lines {@code vapid-keys} prints. */
  static String vapidKeys() {
    String[] keys = io.github.mpr4j.push.WebPushSettings.generateKeys();
    return "public: " + keys[0] + "\nprivate: " + keys[1] + "\n";
  }
}
