package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading MPR_TLS_*: what is accepted, and that every refusal names its variable. */
class TlsConfigTest {
  @TempDir Path dir;

  @Test
  void withoutCertificateAndKeyTheServerSpeaksPlainWebSocket() {
    assertNull(ServerConfig.fromEnvironment(Map.of()).tls());
  }

  @Test
  void certificateKeyAndCaFilesAreReadWithTheDefaultReloadInterval() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "c");
    Path key = Files.writeString(dir.resolve("k.pem"), "k");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    TlsConfig tls = ServerConfig.fromEnvironment(Map.of("MPR_TLS_CERT_FILE", cert.toString(),
        "MPR_TLS_KEY_FILE", key.toString(), "MPR_TLS_CA_FILE", ca.toString())).tls();
    assertEquals(cert, tls.certFile());
    assertEquals(key, tls.keyFile());
    assertTrue(tls.mutual());
    assertEquals(Duration.ofSeconds(10), tls.reloadInterval());
  }

  @Test
  void anEmbeddingProgramSetsTlsWithoutEnvironmentVariables() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "c");
    Path key = Files.writeString(dir.resolve("k.pem"), "k");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    ServerConfig config = ServerConfig.defaults()
        .withTls(TlsConfig.of(cert, key).withClientCa(ca).withReloadInterval(Duration.ZERO));
    assertEquals(new TlsConfig(cert, key, ca, Duration.ZERO), config.tls());
    assertNull(config.withTls(null).tls());
  }

  @Test
  void aCertificateWithoutAKeyNamesTheMissingVariable() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "c");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ServerConfig.fromEnvironment(Map.of("MPR_TLS_CERT_FILE", cert.toString())));
    assertEquals("MPR_TLS_KEY_FILE", e.variable());
  }

  @Test
  void aMissingFileIsRefusedWithItsVariable() throws Exception {
    Path key = Files.writeString(dir.resolve("k.pem"), "k");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> ServerConfig.fromEnvironment(
        Map.of("MPR_TLS_CERT_FILE", dir.resolve("absent.pem").toString(), "MPR_TLS_KEY_FILE", key.toString())));
    assertEquals("MPR_TLS_CERT_FILE", e.variable());
  }

  @Test
  void aClientCaWithoutAServerCertificateIsRefused() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ServerConfig.fromEnvironment(Map.of("MPR_TLS_CA_FILE", ca.toString())));
    assertEquals("MPR_TLS_CA_FILE", e.variable());
  }
}
