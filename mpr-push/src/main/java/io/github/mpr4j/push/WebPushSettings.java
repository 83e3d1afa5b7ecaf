package io.github.mpr4j.push;

import io.github.mpr4j.push.internal.WebPushCrypto;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292): the sender's key pair, its contact, and how pushes are sent.
 * Tokens of type {@value PushService#WEBPUSH} carry a browser's subscription as JSON, {@code
 * {"endpoint":"https://...","keys":{"p256dh":"...","auth":"..."}}}.
 *
 * @param publicKey the VAPID public key, base64url of the 65-byte uncompressed P-256 point
 * @param privateKey the VAPID private key, base64url of the 32-byte scalar
 * @param subject the contact push services may use, {@code mailto:...} or {@code https://...}
 * @param ttl how long a push service keeps a push for a browser that is offline ({@code TTL} header)
 * @param urgency {@code very-low}, {@code low}, {@code normal} or {@code high} ({@code Urgency} header)
 * @param endpointHosts hosts a subscription's endpoint may name: a host matches an entry equal to it or
 *     ending with it after a dot ({@code push.services.mozilla.com} matches {@code
 *     updates.push.services.mozilla.com}); other endpoints are refused, so that a page cannot make the
 *     server post to any address it likes
 * @param trustedCa a PEM file of the certificates trusted for push services instead of the JDK's (a test
 *     service, a proxy); null: the JDK's
 * @param maxInFlight pushes waiting for a push service's answer at once
 * @param timeout bound on one push request, connecting included
 */
public record WebPushSettings(String publicKey, String privateKey, String subject, Duration ttl, String urgency,
    List<String> endpointHosts, Path trustedCa, int maxInFlight, Duration timeout) {

  /** The endpoints of the push services of Chrome, Firefox, Edge and Safari. */
  public static final List<String> DEFAULT_ENDPOINT_HOSTS = List.of("fcm.googleapis.com", "android.googleapis.com",
      "push.services.mozilla.com", "notify.windows.com", "push.apple.com");
  private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

  /**
   * Checks every field: the keys decode and form one pair (a signature made with the private key verifies
   * with the public one).
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public WebPushSettings {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(subject, "subject");
    endpointHosts = endpointHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
        .toList();
    ECPublicKey pub;
    ECPrivateKey priv;
    try {
      pub = WebPushCrypto.publicKey(WebPushCrypto.fromBase64Url(publicKey));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("publicKey is not a base64url P-256 public key: " + e.getMessage(), e);
    }
    try {
      priv = WebPushCrypto.privateKey(WebPushCrypto.fromBase64Url(privateKey));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("privateKey is not a base64url P-256 private key: " + e.getMessage(), e);
    }
    String probe = WebPushCrypto.vapidJwt("https://check", 0, "check", priv);
    if (!WebPushCrypto.verifyJwt(probe, pub)) {
      throw new IllegalArgumentException("privateKey is not the private key of publicKey");
    }
    if (!(subject.startsWith("mailto:") || subject.startsWith("https://")) || subject.length() < 8) {
      throw new IllegalArgumentException("subject must be a mailto: or https: URL, not '" + subject + "'");
    }
    if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ttl must be 0 or more seconds, not " + ttl);
    }
    if (!URGENCIES.contains(urgency)) {
      throw new IllegalArgumentException("urgency must be one of very-low, low, normal, high, not '" + urgency + "'");
    }
    if (endpointHosts.isEmpty()) {
      throw new IllegalArgumentException("endpointHosts must name at least one host");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, not " + timeout);
    }
    publicKey = publicKey.strip();
    privateKey = privateKey.strip();
  }

  /** Whether a subscription's endpoint host may be pushed to. */
  public boolean allowsHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    for (String allowed : endpointHosts) {
      if (h.equals(allowed) || h.endsWith("." + allowed)) {
        return true;
      }
    }
    return false;
  }

  /** A new VAPID key pair: {@code [public, private]}, both base64url, for {@code vapid-keys}. */
  public static String[] generateKeys() {
    java.security.KeyPair k = WebPushCrypto.generateKeyPair();
    return new String[] {WebPushCrypto.base64Url(WebPushCrypto.rawPublicKey((ECPublicKey) k.getPublic())),
        WebPushCrypto.base64Url(WebPushCrypto.rawPrivateKey((ECPrivateKey) k.getPrivate()))};
  }

  /** Like the record's, with the private key masked. */
  @Override
  public String toString() {
    return "WebPushSettings[publicKey=" + publicKey + ", privateKey=***, subject=" + subject + ", ttl=" + ttl
        + ", urgency=" + urgency + ", endpointHosts=" + endpointHosts + ", trustedCa=" + trustedCa + ", maxInFlight="
        + maxInFlight + ", timeout=" + timeout + "]";
  }
}
