package io.github.mpr4j.push.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys and certificates made at test time with the JDK alone (keytool for the self-signed certificate). */
public final class TestKeys {
  private TestKeys() {}

  /** A P-256 key pair, as Apple issues for token authentication. */
  public static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A 2048-bit RSA key pair, as Google issues for service accounts. */
  public static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** The PKCS#8 PEM text of a private key (the format of an APNs .p8 file and a service account's key). */
  public static String pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** A self-signed server certificate for 127.0.0.1 and localhost, with its key. */
  public record ServerCredentials(X509Certificate certificate, PrivateKey key) {
    /** Writes the certificate as PEM (a trusted CA file for the client). */
    public Path writeCertificate(Path file) throws IOException {
      try {
        return Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IOException(e);
      }
    }
  }

  /** Makes a self-signed EC certificate with the JDK's keytool (no BouncyCastle, no internal JDK classes). */
  public static ServerCredentials selfSignedServer(Path dir) throws Exception {
    Path store = dir.resolve("server-" + System.nanoTime() + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> cmd = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
        "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-validity", "2",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "changeit", "-keypass", "changeit"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    return new ServerCredentials((X509Certificate) ks.getCertificate("server"),
        (PrivateKey) ks.getKey("server", "changeit".toCharArray()));
  }
}
