package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on both ports from PEM files: https on APP_PORT, wss on WS_PORT for Node's ws, unusable files refused. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsIT {
  /** Where scripts/test.sh installs Node's ws (npm install --prefix target/node ws@8 at the project's root). */
  private static final Path NODE_MODULES = Path.of("..", "target", "node", "node_modules");

  @TempDir Path dir;

  @Test
  void healthIsServedOverHttpsWithTheConfiguredCertificate() throws Exception {
    X509Bundle ca = ca("CN=test CA");
    try (MprServer server = TestServers.start(env(ca))) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(ca)).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.appPort()
          + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("up"), r.body());
    }
  }

  @Test
  void anHttpsClientTrustingAnotherCaIsRefused() throws Exception {
    try (MprServer server = TestServers.start(env(ca("CN=test CA")))) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(ca("CN=other CA")))
          .connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(SSLHandshakeException.class, () -> https.send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + server.appPort() + "/health")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void nodesWsClientRoundTripsOverWssAndRefusesAnotherCa() throws Exception {
    assumeTrue(Files.isDirectory(NODE_MODULES.resolve("ws")), "Node's ws is not installed in " + NODE_MODULES
        + " (scripts/test.sh installs it)");
    X509Bundle ca = ca("CN=test CA");
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    Path otherCaFile = Files.writeString(dir.resolve("other-ca.pem"), ca("CN=other CA").getCertificatePEM());
    Path script = Files.writeString(dir.resolve("ping.js"), String.join("\n",
        "const fs = require('fs'); const WebSocket = require('ws');",
        "const ws = new WebSocket(process.argv[2], { ca: fs.readFileSync(process.argv[3]) });",
        "ws.on('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'ping', id: 7 })));",
        "ws.on('message', m => { console.log(String(m)); process.exit(0); });",
        "ws.on('error', e => { console.log('error: ' + e.code); process.exit(3); });",
        "setTimeout(() => { console.log('timeout'); process.exit(4); }, 15000);"));
    try (MprServer server = TestServers.start(env(ca))) {
      String url = "wss://localhost:" + server.wsPort() + "/";
      Result ok = node(script, url, caFile);
      assertEquals(0, ok.exit(), ok.output());
      assertEquals(WsTestClient.parse("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":7}"),
          WsTestClient.parse(ok.output().strip()));
      Result refused = node(script, url, otherCaFile);
      assertNotEquals(0, refused.exit(), refused.output());
      assertTrue(refused.output().contains("UNABLE_TO_VERIFY_LEAF_SIGNATURE")
          || refused.output().contains("SELF_SIGNED"), refused.output());
    }
  }

  @Test
  void aKeyThatIsNotPemStopsStartUpNamingTheVariable() throws Exception {
    X509Bundle ca = ca("CN=test CA");
    Map<String, String> env = new java.util.HashMap<>(env(ca));
    Files.writeString(Path.of(env.get("MPR_TLS_KEY_FILE")), "not a key");
    RuntimeException e = assertThrows(RuntimeException.class, () -> TestServers.start(env).close());
    assertTrue(e.getMessage().contains("MPR_TLS_KEY_FILE"), e.getMessage());
  }

  private record Result(int exit, String output) {}

  private static Result node(Path script, String url, Path caFile) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), url, caFile.toString()).redirectErrorStream(true);
    pb.environment().put("NODE_PATH", NODE_MODULES.toAbsolutePath().normalize().toString());
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("node did not finish within 30 s");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static X509Bundle ca(String subject) throws Exception {
    return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).ecp256().buildSelfSigned();
  }

  /** The TLS variables of a server certificate for localhost issued by {@code ca}, written to this test's directory. */
  private Map<String, String> env(X509Bundle ca) throws Exception {
    X509Bundle server = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .addSanIpAddress("127.0.0.1").ecp256().addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    Path cert = Files.writeString(dir.resolve("cert.pem"), server.getCertificatePEM());
    Path key = Files.writeString(dir.resolve("key.pem"), server.getPrivateKeyPEM());
    return Map.of("MPR_TLS_CERT_FILE", cert.toString(), "MPR_TLS_KEY_FILE", key.toString(), "MPR_TLS_RELOAD_MS", "0");
  }

  private static SSLContext trusting(X509Bundle ca) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);
    return ctx;
  }
}
