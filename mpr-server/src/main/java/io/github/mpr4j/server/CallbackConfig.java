package io.github.mpr4j.server;

import io.github.mpr4j.push.WebPushSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of the callback gateway on APP_PORT, read from the {@code MPR_CALLBACK_*} variables.
 *
 * @param keys the backend keys; when not empty, {@code POST /callback/{clientId}} needs
 *     {@code Authorization: Bearer <key>} with one of them ({@code MPR_CALLBACK_KEYS}, comma-separated)
 * @param notificationTtl how long a notification waits for its browser; older ones are never delivered
 *     ({@code MPR_CALLBACK_TTL_MS})
 * @param idleExpiry how long a registration lives without its browser connected
 *     ({@code MPR_CALLBACK_IDLE_MS})
 * @param maxBodyBytes the largest notification body, in bytes; larger: 413 ({@code MPR_CALLBACK_MAX_BODY_BYTES})
 * @param maxPending notifications that may wait for one browser; more: 429 ({@code MPR_CALLBACK_MAX_PENDING})
 * @param registrationsPerMinute new registrations one source address may make per minute; more: 429
 *     ({@code MPR_CALLBACK_REGISTRATIONS_PER_MINUTE})
 * @param baseUrl the public base URL of callback URLs, such as {@code https://gw.example.com}; {@code null}
 *     derives it from the Host header of the browser's upgrade request ({@code MPR_CALLBACK_BASE_URL})
 * @param allowedOrigins the browser origins that may open {@code /callback/ws} (others: 403 before the
 *     upgrade); when set, the JSON-RPC socket on WS_PORT refuses every browser origin not on it too
 *     ({@code MPR_CALLBACK_ALLOWED_ORIGINS}, comma-separated; unset: any origin)
 * @param auth browser authentication against the backend; {@code null} when browsers need no token
 *     ({@code MPR_CALLBACK_AUTH_*})
 * @param unusedTtl a registration that has received no POST within this time of its creation is dropped;
 *     zero keeps registrations for {@code idleExpiry} whether used or not ({@code MPR_CALLBACK_UNUSED_TTL_MS})
 * @param webPush Web Push to browsers with a subscription, when their notification is stored as pending;
 *     {@code null} when the VAPID keys are not set ({@code MPR_WEBPUSH_*})
 */
public record CallbackConfig(
    List<String> keys,
    Duration notificationTtl,
    Duration idleExpiry,
    int maxBodyBytes,
    int maxPending,
    int registrationsPerMinute,
    String baseUrl,
    AllowedOrigins allowedOrigins,
    CallbackAuthConfig auth,
    Duration unusedTtl,
    WebPushSettings webPush) {

  public static final String MPR_CALLBACK_KEYS = "MPR_CALLBACK_KEYS";
  public static final String MPR_CALLBACK_TTL_MS = "MPR_CALLBACK_TTL_MS";
  public static final String MPR_CALLBACK_IDLE_MS = "MPR_CALLBACK_IDLE_MS";
  public static final String MPR_CALLBACK_MAX_BODY_BYTES = "MPR_CALLBACK_MAX_BODY_BYTES";
  public static final String MPR_CALLBACK_MAX_PENDING = "MPR_CALLBACK_MAX_PENDING";
  public static final String MPR_CALLBACK_REGISTRATIONS_PER_MINUTE = "MPR_CALLBACK_REGISTRATIONS_PER_MINUTE";
  public static final String MPR_CALLBACK_BASE_URL = "MPR_CALLBACK_BASE_URL";
  public static final String MPR_CALLBACK_UNUSED_TTL_MS = "MPR_CALLBACK_UNUSED_TTL_MS";
  public static final String MPR_WEBPUSH_VAPID_PUBLIC_KEY = "MPR_WEBPUSH_VAPID_PUBLIC_KEY";
  public static final String MPR_WEBPUSH_VAPID_PRIVATE_KEY = "MPR_WEBPUSH_VAPID_PRIVATE_KEY";
  public static final String MPR_WEBPUSH_SUBJECT = "MPR_WEBPUSH_SUBJECT";
  public static final String MPR_WEBPUSH_TTL_MS = "MPR_WEBPUSH_TTL_MS";
  public static final String MPR_WEBPUSH_URGENCY = "MPR_WEBPUSH_URGENCY";
  public static final String MPR_WEBPUSH_ENDPOINT_HOSTS = "MPR_WEBPUSH_ENDPOINT_HOSTS";
  public static final String MPR_WEBPUSH_TRUSTED_CA = "MPR_WEBPUSH_TRUSTED_CA";
  public static final String MPR_WEBPUSH_MAX_IN_FLIGHT = "MPR_WEBPUSH_MAX_IN_FLIGHT";

  public CallbackConfig {
    keys = List.copyOf(keys);
    positive(MPR_CALLBACK_TTL_MS, notificationTtl);
    positive(MPR_CALLBACK_IDLE_MS, idleExpiry);
    Env.checkMin(MPR_CALLBACK_MAX_BODY_BYTES, maxBodyBytes, 2);
    Env.checkMin(MPR_CALLBACK_MAX_PENDING, maxPending, 1);
    Env.checkMin(MPR_CALLBACK_REGISTRATIONS_PER_MINUTE, registrationsPerMinute, 1);
    Objects.requireNonNull(allowedOrigins, AllowedOrigins.MPR_CALLBACK_ALLOWED_ORIGINS);
    Objects.requireNonNull(unusedTtl, MPR_CALLBACK_UNUSED_TTL_MS);
    if (unusedTtl.isNegative()) {
      throw new ConfigurationException(MPR_CALLBACK_UNUSED_TTL_MS, "must not be negative");
    }
    if (baseUrl != null) {
      try {
        URI uri = new URI(baseUrl);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new ConfigurationException(MPR_CALLBACK_BASE_URL, "must be an http or https URL, not '" + baseUrl + "'");
        }
      } catch (URISyntaxException e) {
        throw new ConfigurationException(MPR_CALLBACK_BASE_URL, "is not a URL: " + e.getMessage());
      }
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
  }

  /**
   * The defaults: no keys, notifications live 1 hour, registrations 24 hours idle, bodies up to 64 KiB,
   * 1000 pending per browser, 60 registrations per source address per minute, base URL from Host, any origin.
   */
  public static CallbackConfig defaults() {
    return CallbackConfigReader.read(Env.of(Map.of()));
  }

  /** Whether browsers must present a token that the backend validates. */
  public boolean browserAuthRequired() {
    return auth != null;
  }

  /** Whether backends must present a key. */
  public boolean keysRequired() {
    return !keys.isEmpty();
  }

  /** The settings as {@code NAME=value} lines, keys masked. */
  String describe() {
    return "\n  " + MPR_CALLBACK_KEYS + "=" + (keys.isEmpty() ? "(none: every backend may post)" : keys.size() + " keys")
        + "\n  " + MPR_CALLBACK_TTL_MS + "=" + notificationTtl.toMillis()
        + "\n  " + MPR_CALLBACK_IDLE_MS + "=" + idleExpiry.toMillis()
        + "\n  " + MPR_CALLBACK_MAX_BODY_BYTES + "=" + maxBodyBytes
        + "\n  " + MPR_CALLBACK_MAX_PENDING + "=" + maxPending
        + "\n  " + MPR_CALLBACK_REGISTRATIONS_PER_MINUTE + "=" + registrationsPerMinute
        + "\n  " + MPR_CALLBACK_BASE_URL + "=" + (baseUrl == null ? "(from the Host header)" : baseUrl)
        + "\n  " + AllowedOrigins.MPR_CALLBACK_ALLOWED_ORIGINS + "=" + allowedOrigins
        + "\n  " + MPR_CALLBACK_UNUSED_TTL_MS + "=" + (unusedTtl.isZero() ? "0 (off)" : unusedTtl.toMillis())
        + (auth == null ? "\n  " + CallbackAuthConfig.MPR_CALLBACK_AUTH_URL + "=(none: browsers need no token)"
            : auth.describe())
        + (webPush == null ? "\n  " + MPR_WEBPUSH_VAPID_PUBLIC_KEY + "=(none: Web Push off)"
            : "\n  " + MPR_WEBPUSH_VAPID_PUBLIC_KEY + "=" + webPush.publicKey()
            + "\n  " + MPR_WEBPUSH_VAPID_PRIVATE_KEY + "=(set)"
            + "\n  " + MPR_WEBPUSH_SUBJECT + "=" + webPush.subject()
            + "\n  " + MPR_WEBPUSH_TTL_MS + "=" + webPush.ttl().toMillis()
            + "\n  " + MPR_WEBPUSH_URGENCY + "=" + webPush.urgency()
            + "\n  " + MPR_WEBPUSH_ENDPOINT_HOSTS + "=" + String.join(",", webPush.endpointHosts())
            + "\n  " + MPR_WEBPUSH_TRUSTED_CA + "=" + (webPush.trustedCa() == null ? "(the JDK's)" : webPush.trustedCa())
            + "\n  " + MPR_WEBPUSH_MAX_IN_FLIGHT + "=" + webPush.maxInFlight());
  }

  @Override
  public String toString() {
    return "CallbackConfig{" + describe().strip().replace("\n  ", ", ") + "}";
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.toMillis() < 1) {
      throw new ConfigurationException(name, "must be at least 1 ms, not " + d.toMillis());
    }
  }
}
