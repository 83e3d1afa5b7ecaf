package io.github.mpr4j.push.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.mpr4j.push.internal.WebPushCrypto;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Web Push service stand-in (RFC 8030) over HTTPS on 127.0.0.1, with a self-signed certificate. It hands
 * out subscriptions (a fresh P-256 key pair and auth secret each, as a browser makes them) and checks every
 * push as a push service and a browser would: the VAPID JWT (ES256 signature with the {@code k} key, which
 * must be the expected public key; {@code aud} this service's origin; {@code exp} in the future and at most
 * 24 hours ahead; {@code sub} a mailto: or https: URL), the {@code TTL} header and {@code Content-Encoding:
 * aes128gcm}, then decrypts the payload with the subscription's private key. Pushes that pass are
 * answered 201 and recorded; a failed check is answered 400/401/403 and recorded as refused. Answers can be
 * scripted per subscription (404, 410, 500...).
 */
public final class MockWebPush implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A browser's subscription: its JSON as the page sends it, and its keys. */
  public record Subscription(String id, String endpoint, KeyPair keys, byte[] auth) {
    public String json() {
      return "{\"endpoint\":\"" + endpoint + "\",\"keys\":{\"p256dh\":\""
          + WebPushCrypto.base64Url(WebPushCrypto.rawPublicKey((ECPublicKey) keys.getPublic()))
          + "\",\"auth\":\"" + WebPushCrypto.base64Url(auth) + "\"}}";
    }
  }

  /** A push that passed every check, with its decrypted payload. */
  public record Push(String subscriptionId, String payload, String ttl, String urgency, String subject) {}

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Path caFile;
  private final String expectedPublicKey;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, Deque<Integer>> scripted = new ConcurrentHashMap<>();
  private final BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> refused = new LinkedBlockingQueue<>();

  private MockWebPush(Path dir, String expectedPublicKey) throws Exception {
    this.expectedPublicKey = expectedPublicKey;
    TestKeys.ServerCredentials creds = TestKeys.selfSignedServer(dir);
    this.caFile = creds.writeCertificate(dir.resolve("webpush-ca-" + System.nanoTime() + ".pem"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", creds.key(), "changeit".toCharArray(), new Certificate[] {creds.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, new SecureRandom());
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.setExecutor(executor);
    server.createContext("/push/", this::handle);
    server.start();
  }

  /**
   * Starts the service; its certificate goes to a PEM file in {@code dir} ({@link #caFile()}).
   *
   * @param expectedPublicKey the sender's VAPID public key (base64url): pushes signed with another are refused
   */
  public static MockWebPush start(Path dir, String expectedPublicKey) throws Exception {
    return new MockWebPush(dir, expectedPublicKey);
  }

  /** The service's origin, the JWT's expected {@code aud}. */
  public String origin() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The PEM file of the service's certificate, for the sender's trusted CAs. */
  public Path caFile() {
    return caFile;
  }

  /** A new subscription, as a browser's push manager makes one. */
  public Subscription subscribe() {
    String id = UUID.randomUUID().toString();
    byte[] auth = new byte[16];
    new SecureRandom().nextBytes(auth);
    Subscription s = new Subscription(id, origin() + "/push/" + id, WebPushCrypto.generateKeyPair(), auth);
    subscriptions.put(id, s);
    return s;
  }

  /** The next answers for a subscription's pushes (then 201 again). */
  public void script(Subscription s, Integer... statuses) {
    scripted.computeIfAbsent(s.id(), k -> new ConcurrentLinkedDeque<>()).addAll(java.util.List.of(statuses));
  }

  /** The next push that passed every check, or null within the wait. */
  public Push next(Duration wait) throws InterruptedException {
    return pushes.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the next refused push was refused, or null within the wait. */
  public String nextRefusal(Duration wait) throws InterruptedException {
    return refused.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String id = ex.getRequestURI().getPath().substring("/push/".length());
      Subscription s = subscriptions.get(id);
      if (s == null || !"POST".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      Deque<Integer> script = scripted.get(id);
      Integer status = script == null ? null : script.poll();
      if (status != null) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      String problem = check(ex, s, body);
      if (problem != null) {
        refused.add(problem);
        ex.sendResponseHeaders(problem.startsWith("jwt") ? 403 : 400, -1);
        return;
      }
      String plain = new String(WebPushCrypto.decrypt(body, s.keys(), s.auth()), StandardCharsets.UTF_8);
      pushes.add(new Push(id, plain, ex.getRequestHeaders().getFirst("TTL"), ex.getRequestHeaders().getFirst("Urgency"),
          subjectOf(ex)));
      ex.getResponseHeaders().set("Location", origin() + "/message/" + UUID.randomUUID());
      ex.sendResponseHeaders(201, -1);
    } catch (RuntimeException e) {
      refused.add("decryption: " + e.getMessage());
      ex.sendResponseHeaders(400, -1);
    }
  }

  private static String subjectOf(HttpExchange ex) {
    try {
      return claims(ex).path("sub").asText();
    } catch (Exception e) {
      return null;
    }
  }

  private static JsonNode claims(HttpExchange ex) throws IOException {
    String jwt = vapid(ex.getRequestHeaders().getFirst("Authorization"), "t");
    return JSON.readTree(WebPushCrypto.fromBase64Url(jwt.split("\\.")[1]));
  }

  /** A parameter ({@code t} or {@code k}) of an {@code Authorization: vapid t=..., k=...} header. */
  private static String vapid(String header, String name) {
    if (header == null || !header.startsWith("vapid ")) {
      return null;
    }
    for (String part : header.substring(6).split(",")) {
      String p = part.strip();
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  private String check(HttpExchange ex, Subscription s, byte[] body) throws IOException {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    String jwt = vapid(header, "t");
    String k = vapid(header, "k");
    if (jwt == null || k == null) {
      return "jwt: no 'Authorization: vapid t=..., k=...'";
    }
    if (!k.equals(expectedPublicKey)) {
      return "jwt: k is not the expected VAPID public key";
    }
    if (!WebPushCrypto.verifyJwt(jwt, WebPushCrypto.publicKey(WebPushCrypto.fromBase64Url(k)))) {
      return "jwt: the signature does not verify";
    }
    JsonNode header0 = JSON.readTree(WebPushCrypto.fromBase64Url(jwt.split("\\.")[0]));
    if (!"ES256".equals(header0.path("alg").asText())) {
      return "jwt: alg is not ES256";
    }
    JsonNode claims = claims(ex);
    if (!origin().equals(claims.path("aud").asText())) {
      return "jwt: aud " + claims.path("aud").asText() + " is not " + origin();
    }
    long now = System.currentTimeMillis() / 1000;
    long exp = claims.path("exp").asLong();
    if (exp <= now || exp > now + 24 * 3600) {
      return "jwt: exp " + exp + " is not within the next 24 hours";
    }
    String sub = claims.path("sub").asText();
    if (!(sub.startsWith("mailto:") || sub.startsWith("https://"))) {
      return "jwt: sub " + sub + " is neither mailto: nor https:";
    }
    if (ex.getRequestHeaders().getFirst("TTL") == null) {
      return "no TTL header";
    }
    if (!"aes128gcm".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      return "Content-Encoding is not aes128gcm";
    }
    if (body.length == 0) {
      return "no payload";
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
