package io.github.mpr4j.push.testing;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushy's own mock APNs server on 127.0.0.1 over TLS and HTTP/2, validating token authentication (a P-256 key
 * made here), topics and device tokens, with scripted failures and a record of what it accepted.
 */
public final class MockApns implements AutoCloseable {
  public static final String KEY_ID = "KEYID12345";
  public static final String TEAM_ID = "TEAMID1234";
  public static final String TOPIC = "org.example.wallet";

  /** One accepted notification. */
  public record Received(Map<String, String> headers, String payload) {}

  private final MockApnsServer server;
  private final int port;
  private final Path keyFile;
  private final Path caFile;
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> unregistered = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<RejectionReason> script = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<Received> accepted = new LinkedBlockingQueue<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  public MockApns(Path dir) throws Exception {
    KeyPair signing = TestKeys.p256();
    keyFile = Files.writeString(dir.resolve("apns-" + System.nanoTime() + ".p8"), TestKeys.pkcs8Pem(signing.getPrivate()));
    TestKeys.ServerCredentials tls = TestKeys.selfSignedServer(dir);
    caFile = tls.writeCertificate(dir.resolve("apns-ca-" + System.nanoTime() + ".pem"));
    ApnsVerificationKey verification = new ApnsVerificationKey(KEY_ID, TEAM_ID, (ECPublicKey) signing.getPublic());
    Map<String, Set<String>> tokensByTopic = new ConcurrentHashMap<>();
    tokensByTopic.put(TOPIC, tokens);
    ValidatingPushNotificationHandlerFactory validating = new ValidatingPushNotificationHandlerFactory(
        tokensByTopic, unregistered, Map.of(KEY_ID, verification), Map.of(verification, Set.of(TOPIC)));
    server = new MockApnsServerBuilder()
        .setServerCredentials(new X509Certificate[] {tls.certificate()}, tls.key(), null)
        .setHandlerFactory(session -> {
          PushNotificationHandler inner = validating.buildHandler(session);
          return (headers, payload) -> {
            attempts.incrementAndGet();
            RejectionReason r = script.poll();
            if (r != null) {
              throw new RejectedNotificationException(r);
            }
            inner.handlePushNotification(headers, payload);
          };
        })
        .setListener(new MockApnsServerListener() {
          @Override
          public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            Map<String, String> h = new TreeMap<>();
            headers.forEach(e -> h.put(e.getKey().toString(), e.getValue().toString()));
            accepted.add(new Received(h, payload == null ? "" : payload.toString(StandardCharsets.UTF_8)));
          }

          @Override
          public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload, RejectionReason reason,
              Instant deviceTokenExpirationTimestamp) {
            rejected.incrementAndGet();
          }
        })
        .build();
    int p = 0;
    Exception last = null;
    for (int i = 0; i < 5 && p == 0; i++) {
      int candidate = FreePorts.find();
      try {
        server.start(candidate).get(10, TimeUnit.SECONDS);
        p = candidate;
      } catch (Exception e) {
        last = e;
      }
    }
    if (p == 0) {
      throw new IllegalStateException("the mock APNs server could not start", last);
    }
    port = p;
  }

  /** A device token the server knows for {@link #TOPIC}. */
  public String registerToken() {
    String t = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(32)
        .putLong(System.nanoTime()).putLong(tokens.size()).array());
    tokens.add(t);
    return t;
  }

  /** A device token the server answers 410 Unregistered for. */
  public String unregisteredToken() {
    String t = registerToken();
    unregistered.put(t, Instant.now().minusSeconds(60));
    return t;
  }

  /** The next attempts are rejected with these reasons, in order. */
  public void failNext(RejectionReason... reasons) {
    script.addAll(java.util.List.of(reasons));
  }

  public Received nextAccepted(Duration timeout) throws InterruptedException {
    return accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int acceptedCount() {
    return accepted.size();
  }

  public int attempts() {
    return attempts.get();
  }

  public int rejected() {
    return rejected.get();
  }

  public int port() {
    return port;
  }

  public Path keyFile() {
    return keyFile;
  }

  public Path caFile() {
    return caFile;
  }

  /** The APNs configuration JSON of the TypeScript server, pointing at this key. */
  public Path writeConfig(Path dir) throws java.io.IOException {
    return Files.writeString(dir.resolve("apns-cfg-" + System.nanoTime() + ".json"),
        "{\"keyId\":\"" + KEY_ID + "\",\"teamId\":\"" + TEAM_ID + "\",\"production\":false}");
  }

  @Override
  public void close() throws Exception {
    server.shutdown().get(10, TimeUnit.SECONDS);
  }
}
