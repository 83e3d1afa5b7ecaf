package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.ConfigurationException;
import io.github.mpr4j.server.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of both ports, loaded from the PEM files of a {@link TlsConfig} and loaded again when
 * the files change: each new connection takes the current context, so open sockets keep the one they
 * started with. OpenSSL (netty-tcnative's BoringSSL) where its native library loads, the JDK's TLS
 * otherwise. A change that does not load (a half-written file, a key that does not match) is logged and the
 * previous certificate stays in use.
 */
final class TlsContexts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  /** The certificate, the key and the client CAs of one load. */
  private record Loaded(SslContext ws, SslContext app, X509Certificate certificate, String fingerprint) {}

  private final TlsConfig config;
  private final SslProvider provider;
  private final ScheduledExecutorService reloader;
  private volatile Loaded current;

  private TlsContexts(TlsConfig config, SslProvider provider, Loaded first) {
    this.config = config;
    this.provider = provider;
    this.current = first;
    if (config.reloadInterval().isZero()) {
      reloader = null;
    } else {
      reloader = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mpr-tls-reload", true));
      long ms = config.reloadInterval().toMillis();
      reloader.scheduleWithFixedDelay(this::reloadIfChanged, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Loads the files.
   *
   * @throws ConfigurationException naming the variable whose file cannot be used
   */
  static TlsContexts open(TlsConfig config) {
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    return new TlsContexts(config, provider, load(config, provider));
  }

  /** The context of a new WS_PORT connection (asks for a client certificate with {@code MPR_TLS_CA_FILE}). */
  SslContext ws() {
    return current.ws();
  }

  /** The context of a new APP_PORT connection (never asks for a client certificate). */
  SslContext app() {
    return current.app();
  }

  /** The certificate served now. */
  X509Certificate certificate() {
    return current.certificate();
  }

  /** For the start-up line: the TLS implementation and the certificate. */
  String describe() {
    X509Certificate c = current.certificate();
    return (provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK")
        + ", certificate " + c.getSubjectX500Principal().getName() + " valid until " + c.getNotAfter().toInstant()
        + (config.mutual() ? ", client certificates required on WS_PORT" : "");
  }

  /** Checks the files and loads them when they changed; runs on the reload thread. */
  void reloadIfChanged() {
    try {
      String fingerprint = fingerprint(config);
      Loaded before = current;
      if (fingerprint.equals(before.fingerprint())) {
        return;
      }
      try {
        current = load(config, provider);
        log.info("TLS certificate reloaded: {} valid until {}",
            current.certificate().getSubjectX500Principal().getName(), current.certificate().getNotAfter().toInstant());
      } catch (RuntimeException e) {
        // keep serving the old one; try again only when the files change once more
        current = new Loaded(before.ws(), before.app(), before.certificate(), fingerprint);
        log.warn("TLS files changed but could not be loaded, the previous certificate stays in use: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      log.warn("TLS files could not be checked for changes: {}", e.toString());
    }
  }

  private static Loaded load(TlsConfig config, SslProvider provider) {
    String fingerprint = fingerprint(config);
    byte[] cert = read(TlsConfig.MPR_TLS_CERT_FILE, config.certFile());
    byte[] key = read(TlsConfig.MPR_TLS_KEY_FILE, config.keyFile());
    byte[] ca = config.caFile() == null ? null : read(TlsConfig.MPR_TLS_CA_FILE, config.caFile());
    X509Certificate first = firstCertificate(cert);
    SslContext app = context(config, provider, cert, key, null);
    SslContext ws = ca == null ? app : context(config, provider, cert, key, ca);
    return new Loaded(ws, app, first, fingerprint);
  }

  private static SslContext context(TlsConfig config, SslProvider provider, byte[] cert, byte[] key, byte[] ca) {
    SslContextBuilder b;
    try {
      b = SslContextBuilder.forServer(new ByteArrayInputStream(cert), new ByteArrayInputStream(key));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(TlsConfig.MPR_TLS_KEY_FILE, "does not hold a usable private key for "
          + config.certFile() + " (PEM, PKCS#8 unencrypted: BEGIN PRIVATE KEY): " + e.getMessage());
    }
    if (ca != null) {
      try {
        b.trustManager(new ByteArrayInputStream(ca)).clientAuth(ClientAuth.REQUIRE);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(TlsConfig.MPR_TLS_CA_FILE, "holds no PEM certificate: " + e.getMessage());
      }
    }
    try {
      return b.sslProvider(provider).build();
    } catch (IOException | RuntimeException e) {
      throw new ConfigurationException(TlsConfig.MPR_TLS_CERT_FILE, "and " + TlsConfig.MPR_TLS_KEY_FILE
          + " could not be used (PEM certificate chain, PKCS#8 unencrypted key that belongs to it): " + e.getMessage());
    }
  }

  private static X509Certificate firstCertificate(byte[] pem) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new ConfigurationException(TlsConfig.MPR_TLS_CERT_FILE, "holds no PEM certificate");
      }
      return chain.get(0);
    } catch (CertificateException e) {
      throw new ConfigurationException(TlsConfig.MPR_TLS_CERT_FILE, "holds no readable PEM certificate: " + e.getMessage());
    }
  }

  private static byte[] read(String variable, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException(variable, "could not be read: " + e);
    }
  }

  /** Modification times and sizes of the files (following symbolic links, as Kubernetes secrets use). */
  private static String fingerprint(TlsConfig config) {
    StringBuilder sb = new StringBuilder();
    for (Path p : config.caFile() == null ? List.of(config.certFile(), config.keyFile())
        : List.of(config.certFile(), config.keyFile(), config.caFile())) {
      try {
        sb.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
