package io.github.mpr4j.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * TLS on both ports (wss:// on WS_PORT, https:// on APP_PORT), from PEM files, read from the
 * {@code MPR_TLS_*} variables. Without {@code MPR_TLS_CERT_FILE} and {@code MPR_TLS_KEY_FILE} the server
 * speaks plain ws:// and http://.
 *
 * @param certFile the server's certificate chain, PEM, its own certificate first ({@code MPR_TLS_CERT_FILE})
 * @param keyFile the certificate's private key, PEM, PKCS#8 unencrypted ({@code MPR_TLS_KEY_FILE})
 * @param caFile the certificates that sign client certificates, PEM: when set, every WS_PORT client must
 *     present a certificate signed by one of them (mutual TLS for mediators); APP_PORT never asks for one;
 *     {@code null} for none ({@code MPR_TLS_CA_FILE})
 * @param reloadInterval how often the files are checked for changes; changed files serve new connections
 *     and open sockets keep theirs; zero never checks ({@code MPR_TLS_RELOAD_MS})
 */
public record TlsConfig(Path certFile, Path keyFile, Path caFile, Duration reloadInterval) {

  public static final String MPR_TLS_CERT_FILE = "MPR_TLS_CERT_FILE";
  public static final String MPR_TLS_KEY_FILE = "MPR_TLS_KEY_FILE";
  public static final String MPR_TLS_CA_FILE = "MPR_TLS_CA_FILE";
  public static final String MPR_TLS_RELOAD_MS = "MPR_TLS_RELOAD_MS";
  /** The default of {@code MPR_TLS_RELOAD_MS}. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (reloadInterval.isNegative()) {
      throw new ConfigurationException(MPR_TLS_RELOAD_MS, "must not be negative");
    }
  }

  /** TLS from these files, checked for changes every {@link #DEFAULT_RELOAD_INTERVAL}, no client certificates. */
  public static TlsConfig of(Path certFile, Path keyFile) {
    return new TlsConfig(certFile, keyFile, null, DEFAULT_RELOAD_INTERVAL);
  }

  /** This configuration with client certificates signed by the CAs in {@code caFile} required on WS_PORT. */
  public TlsConfig withClientCa(Path caFile) {
    return new TlsConfig(certFile, keyFile, Objects.requireNonNull(caFile, "caFile"), reloadInterval);
  }

  /** This configuration with another reload interval (zero: never reload). */
  public TlsConfig withReloadInterval(Duration interval) {
    return new TlsConfig(certFile, keyFile, caFile, interval);
  }

  /** Whether WS_PORT clients must present a certificate. */
  public boolean mutual() {
    return caFile != null;
  }

  /** The settings as {@code NAME=value} lines for the start-up log. */
  String describe() {
    return "\n  " + MPR_TLS_CERT_FILE + "=" + certFile
        + "\n  " + MPR_TLS_KEY_FILE + "=" + keyFile
        + "\n  " + MPR_TLS_CA_FILE + "=" + (caFile == null ? "(none: no client certificates)" : caFile)
        + "\n  " + MPR_TLS_RELOAD_MS + "=" + reloadInterval.toMillis();
  }
}
