package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client over wss:// against a server serving TLS from PEM files made here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WssIT {
  @TempDir Path dir;

  @Test
  void aClientTrustingTheServersCaRoundTripsMessagesOverWss() throws Exception {
    X509Bundle ca = ca("CN=server CA");
    try (MprTestServer server = MprTestServer.start(tls(serverCertificate(ca, "a"), null, 0));
         MprClient client = Fixtures.client(wss(server)).sslContext(trusting(ca, null)).build()) {
      get(client.addMessage(Fixtures.message("conn-wss", 1)));
      List<QueuedMessage> taken = get(client.takeFromQueue(new TakeFromQueueOptions("conn-wss", null, 10, null, true)));
      assertEquals(1, taken.size());
      assertEquals(Fixtures.jwe(1), taken.get(0).encryptedMessage());
    }
  }

  @Test
  void aClientTrustingAnotherCaIsRefusedDuringTheHandshake() throws Exception {
    X509Bundle ca = ca("CN=server CA");
    try (MprTestServer server = MprTestServer.start(tls(serverCertificate(ca, "a"), null, 0));
         MprClient client = Fixtures.client(wss(server)).sslContext(trusting(ca("CN=other CA"), null))
             .maxReconnectAttempts(1).build()) {
      Throwable t = failure(client.whenConnected());
      assertInstanceOf(MprTransportException.class, t);
      assertInstanceOf(SSLHandshakeException.class, rootOrSsl(t), String.valueOf(t));
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromATrustedCa() throws Exception {
    X509Bundle ca = ca("CN=server CA");
    X509Bundle elsewhere = new CertificateBuilder().subject("CN=mpr.example.org").addSanDnsName("mpr.example.org")
        .ecp256().addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    Path[] files = {
      Files.writeString(dir.resolve("elsewhere-cert.pem"), elsewhere.getCertificatePEM()),
      Files.writeString(dir.resolve("elsewhere-key.pem"), elsewhere.getPrivateKeyPEM())
    };
    try (MprTestServer server = MprTestServer.start(tls(files, null, 0));
         MprClient client = Fixtures.client(wss(server)).sslContext(trusting(ca, null)).maxReconnectAttempts(1)
             .build()) {
      Throwable t = failure(client.whenConnected());
      assertInstanceOf(SSLHandshakeException.class, rootOrSsl(t), String.valueOf(t));
    }
  }

  @Test
  void withAClientCaTheServerAcceptsOnlyClientsPresentingACertificateItSigned() throws Exception {
    X509Bundle serverCa = ca("CN=server CA");
    X509Bundle clientCa = ca("CN=mediators CA");
    X509Bundle mediator = new CertificateBuilder().subject("CN=mediator-1").ecp256().addExtendedKeyUsageClientAuth()
        .buildIssuedBy(clientCa);
    Path caFile = Files.writeString(dir.resolve("clients-ca.pem"), clientCa.getCertificatePEM());
    try (MprTestServer server = MprTestServer.start(tls(serverCertificate(serverCa, "a"), caFile, 0))) {
      try (MprClient withCertificate = Fixtures.client(wss(server)).sslContext(trusting(serverCa, mediator)).build()) {
        assertNull(get(withCertificate.ping()));
      }
      try (MprClient without = Fixtures.client(wss(server)).sslContext(trusting(serverCa, null))
          .maxReconnectAttempts(1).build()) {
        assertInstanceOf(MprTransportException.class, failure(without.whenConnected()));
      }
      X509Bundle stranger = new CertificateBuilder().subject("CN=stranger").ecp256().addExtendedKeyUsageClientAuth()
          .buildIssuedBy(ca("CN=stranger CA"));
      try (MprClient strangerClient = Fixtures.client(wss(server)).sslContext(trusting(serverCa, stranger))
          .maxReconnectAttempts(1).build()) {
        assertInstanceOf(MprTransportException.class, failure(strangerClient.whenConnected()));
      }
    }
  }

  @Test
  void changedCertificateFilesServeNewConnectionsAndOpenSocketsStayOpen() throws Exception {
    X509Bundle oldCa = ca("CN=old CA");
    X509Bundle newCa = ca("CN=new CA");
    Path[] files = serverCertificate(oldCa, "live");
    try (MprTestServer server = MprTestServer.start(tls(files, null, 50));
         MprClient open = Fixtures.client(wss(server)).sslContext(trusting(oldCa, null)).build()) {
      assertNull(get(open.ping()));
      Path[] next = serverCertificate(newCa, "next");
      // the key first, then the certificate, each replaced whole, as a secret rotation does
      replace(next[1], files[1]);
      replace(next[0], files[0]);
      Fixtures.await("a client trusting only the new CA connects", () -> {
        try (MprClient c = Fixtures.client(wss(server)).sslContext(trusting(newCa, null)).maxReconnectAttempts(1)
            .build()) {
          return c.whenConnected().handle((v, e) -> e == null).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertNull(get(open.ping()), "the socket opened before the reload still serves");
      assertTrue(open.isConnected());
      try (MprClient stale = Fixtures.client(wss(server)).sslContext(trusting(oldCa, null)).maxReconnectAttempts(1)
          .build()) {
        assertInstanceOf(MprTransportException.class, failure(stale.whenConnected()));
      }
    }
  }

  private static Throwable rootOrSsl(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLHandshakeException) {
        return c;
      }
    }
    return t;
  }

  private static void replace(Path from, Path to) throws Exception {
    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // a later modification time even on file systems with a coarse clock
    Files.setLastModifiedTime(to, FileTime.from(Instant.now().plusSeconds(5)));
  }

  private static URI wss(MprTestServer server) {
    return URI.create("wss://127.0.0.1:" + server.wsPort() + "/");
  }

  private static X509Bundle ca(String subject) throws Exception {
    return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).ecp256().buildSelfSigned();
  }

  /** The certificate and key files of a server certificate for 127.0.0.1 and localhost, issued by {@code ca}. */
  private Path[] serverCertificate(X509Bundle ca, String name) throws Exception {
    X509Bundle b = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .addSanIpAddress("127.0.0.1").ecp256().addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    return new Path[] {
      Files.writeString(dir.resolve(name + "-cert.pem"), b.getCertificatePEM()),
      Files.writeString(dir.resolve(name + "-key.pem"), b.getPrivateKeyPEM())
    };
  }

  private static Map<String, String> tls(Path[] files, Path caFile, int reloadMs) {
    Map<String, String> env = new HashMap<>();
    env.put("MPR_TLS_CERT_FILE", files[0].toString());
    env.put("MPR_TLS_KEY_FILE", files[1].toString());
    env.put("MPR_TLS_RELOAD_MS", Integer.toString(reloadMs));
    if (caFile != null) {
      env.put("MPR_TLS_CA_FILE", caFile.toString());
    }
    return env;
  }

  /** A context trusting {@code ca}, presenting {@code clientCertificate} when not null. */
  private static SSLContext trusting(X509Bundle ca, X509Bundle clientCertificate) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(clientCertificate == null ? null : clientCertificate.toKeyManagerFactory().getKeyManagers(),
        ca.toTrustManagerFactory().getTrustManagers(), null);
    return ctx;
  }
}
