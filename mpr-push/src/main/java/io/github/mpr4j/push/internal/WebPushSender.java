package io.github.mpr4j.push.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.push.WebPushSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends Web Push messages (RFC 8030) on the JDK's HTTP client: the payload encrypted with aes128gcm (RFC
 * 8291), a VAPID JWT (RFC 8292) valid for 12 hours, {@code TTL} and {@code Urgency} headers. A token is a
 * subscription, {@code {"endpoint","keys":{"p256dh","auth"}}}. 201 (or any 2xx) is accepted; 404 and 410
 * mean the subscription is gone ({@link Outcome#UNREGISTERED}); 429 and 5xx are retried; other answers, a
 * malformed subscription and an endpoint on a host not allowed are rejected.
 */
public final class WebPushSender implements Sender {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a VAPID JWT is valid; push services accept up to 24 hours. */
  static final long JWT_LIFETIME_SECONDS = 12 * 3600;
  /** A newer push replaces one the push service still holds for the browser. */
  static final String TOPIC = "mpr-new-messages";

  private final WebPushSettings settings;
  private final ECPrivateKey key;
  private final byte[] payload;
  private final HttpClient http;
  private final ExecutorService executor;

  private WebPushSender(WebPushSettings settings, PushContent content, SSLContext ssl) {
    this.settings = settings;
    this.key = WebPushCrypto.privateKey(WebPushCrypto.fromBase64Url(settings.privateKey()));
    try {
      this.payload = JSON.writeValueAsBytes(Map.of("title", content.title(), "body", content.body(),
          "tag", PushContent.COLLAPSE_KEY));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "mpr-push-webpush-http");
      t.setDaemon(true);
      return t;
    });
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout()).executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
  }

  /** Opens a sender; fails when the trusted certificates cannot be read. */
  public static WebPushSender open(WebPushSettings settings, PushContent content) throws IOException,
      GeneralSecurityException {
    return new WebPushSender(settings, content, settings.trustedCa() == null ? null : trusting(settings));
  }

  private static SSLContext trusting(WebPushSettings settings) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(settings.trustedCa())) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in " + settings.trustedCa());
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  @Override
  public CompletableFuture<Outcome> send(PushRequest request) {
    URI endpoint;
    byte[] body;
    try {
      JsonNode sub = JSON.readTree(request.token().token());
      endpoint = URI.create(sub.path("endpoint").asText());
      if (!"https".equals(endpoint.getScheme()) || !settings.allowsHost(endpoint.getHost())) {
        return CompletableFuture.completedFuture(Outcome.permanent(Outcome.REJECTED,
            "the endpoint's host is not an allowed push service: " + endpoint.getHost()));
      }
      body = WebPushCrypto.encrypt(payload, WebPushCrypto.fromBase64Url(sub.path("keys").path("p256dh").asText()),
          WebPushCrypto.fromBase64Url(sub.path("keys").path("auth").asText()));
    } catch (IOException | IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Outcome.permanent(Outcome.INVALID_TOKEN,
          "not a Web Push subscription: " + e.getMessage()));
    }
    String audience = endpoint.getScheme() + "://" + endpoint.getHost()
        + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
    String jwt = WebPushCrypto.vapidJwt(audience, System.currentTimeMillis() / 1000 + JWT_LIFETIME_SECONDS,
        settings.subject(), key);
    HttpRequest r = HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
        .header("Authorization", "vapid t=" + jwt + ", k=" + settings.publicKey())
        .header("TTL", Long.toString(settings.ttl().toSeconds()))
        .header("Urgency", settings.urgency())
        .header("Topic", TOPIC)
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
      if (error != null) {
        return Outcome.transientFailure(error.getCause() != null ? error.getCause().toString() : error.toString());
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return Outcome.ACCEPTED;
      }
      String detail = status + " " + truncate(response.body());
      if (status == 404 || status == 410) {
        return Outcome.permanent(Outcome.UNREGISTERED, detail);
      }
      if (status == 429 || status >= 500) {
        return Outcome.transientFailure(detail);
      }
      return Outcome.permanent(Outcome.REJECTED, detail);
    });
  }

  private static String truncate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
