package io.github.mpr4j.server;

import static io.github.mpr4j.server.TlsConfig.DEFAULT_RELOAD_INTERVAL;
import static io.github.mpr4j.server.TlsConfig.MPR_TLS_CA_FILE;
import static io.github.mpr4j.server.TlsConfig.MPR_TLS_CERT_FILE;
import static io.github.mpr4j.server.TlsConfig.MPR_TLS_KEY_FILE;
import static io.github.mpr4j.server.TlsConfig.MPR_TLS_RELOAD_MS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Reads TLS on both ports: the {@code MPR_TLS_*} variables. */
final class TlsConfigReader {
  private TlsConfigReader() {}

  /**
   * Reads the settings; {@code null} when neither certificate nor key is set.
   *
   * @throws ConfigurationException when only one of the two is set, a file is not readable, or the interval
   *     is not a number
   */
  static TlsConfig read(Env e) {
    Path cert = file(e, MPR_TLS_CERT_FILE);
    Path key = file(e, MPR_TLS_KEY_FILE);
    Path ca = file(e, MPR_TLS_CA_FILE);
    if (cert == null && key == null) {
      if (ca != null) {
        throw new ConfigurationException(MPR_TLS_CA_FILE, "needs " + MPR_TLS_CERT_FILE + " and " + MPR_TLS_KEY_FILE);
      }
      return null;
    }
    if (cert == null || key == null) {
      String missing = cert == null ? MPR_TLS_CERT_FILE : MPR_TLS_KEY_FILE;
      throw new ConfigurationException(missing, "must be set when "
          + (cert == null ? MPR_TLS_KEY_FILE : MPR_TLS_CERT_FILE) + " is (both are PEM files)");
    }
    long interval = e.number(MPR_TLS_RELOAD_MS, DEFAULT_RELOAD_INTERVAL.toMillis());
    return new TlsConfig(cert, key, ca, Duration.ofMillis(interval));
  }

  private static Path file(Env e, String name) {
    Path p = e.optionalPath(name);
    if (p != null && (!Files.isRegularFile(p) || !Files.isReadable(p))) {
      throw new ConfigurationException(name, "is not a readable file: " + p);
    }
    return p;
  }
}
