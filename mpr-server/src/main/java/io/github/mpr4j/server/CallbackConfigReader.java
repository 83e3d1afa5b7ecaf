package io.github.mpr4j.server;

import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_AUTH_CACHE_ENTRIES;
import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_AUTH_CACHE_MS;
import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS;
import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_AUTH_TIMEOUT_MS;
import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_AUTH_URL;
import static io.github.mpr4j.server.CallbackAuthConfig.MPR_CALLBACK_MAX_BROWSERS_PER_USER;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_BASE_URL;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_IDLE_MS;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_KEYS;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_MAX_BODY_BYTES;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_MAX_PENDING;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_REGISTRATIONS_PER_MINUTE;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_TTL_MS;
import static io.github.mpr4j.server.CallbackConfig.MPR_CALLBACK_UNUSED_TTL_MS;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_ENDPOINT_HOSTS;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_MAX_IN_FLIGHT;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_SUBJECT;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_TRUSTED_CA;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_TTL_MS;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_URGENCY;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_VAPID_PRIVATE_KEY;
import static io.github.mpr4j.server.CallbackConfig.MPR_WEBPUSH_VAPID_PUBLIC_KEY;

import io.github.mpr4j.push.WebPushSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the callback gateway's settings: {@code MPR_CALLBACK_*}, {@code MPR_CALLBACK_AUTH_*} and {@code MPR_WEBPUSH_*}. */
final class CallbackConfigReader {
  private CallbackConfigReader() {}

  static CallbackConfig read(Env e) {
    return new CallbackConfig(
        keys(e.get(MPR_CALLBACK_KEYS)),
        Duration.ofMillis(e.number(MPR_CALLBACK_TTL_MS, 3_600_000L)),
        Duration.ofMillis(e.number(MPR_CALLBACK_IDLE_MS, 86_400_000L)),
        e.clampedInt(MPR_CALLBACK_MAX_BODY_BYTES, 64 * 1024),
        e.clampedInt(MPR_CALLBACK_MAX_PENDING, 1000),
        e.clampedInt(MPR_CALLBACK_REGISTRATIONS_PER_MINUTE, 60),
        e.get(MPR_CALLBACK_BASE_URL),
        AllowedOrigins.parse(e.get(AllowedOrigins.MPR_CALLBACK_ALLOWED_ORIGINS)),
        auth(e),
        Duration.ofMillis(e.number(MPR_CALLBACK_UNUSED_TTL_MS, 0)),
        webPush(e));
  }

  /** Browser authentication, or {@code null} when {@code MPR_CALLBACK_AUTH_URL} is unset (browsers need no token). */
  private static CallbackAuthConfig auth(Env e) {
    String url = e.get(MPR_CALLBACK_AUTH_URL);
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException ex) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_URL, "is not a URL: " + ex.getMessage());
    }
    return new CallbackAuthConfig(uri,
        Duration.ofMillis(e.number(MPR_CALLBACK_AUTH_TIMEOUT_MS, 2_000)),
        Duration.ofMillis(e.number(MPR_CALLBACK_AUTH_CACHE_MS, 60_000)),
        Duration.ofMillis(e.number(MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS, 5_000)),
        e.clampedInt(MPR_CALLBACK_AUTH_CACHE_ENTRIES, 10_000),
        e.clampedInt(MPR_CALLBACK_MAX_BROWSERS_PER_USER, 100));
  }

  /** The Web Push settings, or null when neither VAPID key is set; one without the other stops start-up. */
  private static WebPushSettings webPush(Env e) {
    String pub = e.get(MPR_WEBPUSH_VAPID_PUBLIC_KEY);
    String priv = e.get(MPR_WEBPUSH_VAPID_PRIVATE_KEY);
    if (pub == null && priv == null) {
      return null;
    }
    if (pub == null || priv == null) {
      throw new ConfigurationException(pub == null ? MPR_WEBPUSH_VAPID_PUBLIC_KEY : MPR_WEBPUSH_VAPID_PRIVATE_KEY,
          "must be set together with " + (pub == null ? MPR_WEBPUSH_VAPID_PRIVATE_KEY : MPR_WEBPUSH_VAPID_PUBLIC_KEY)
          + " (java -jar <server jar> vapid-keys makes a pair)");
    }
    String subject = e.get(MPR_WEBPUSH_SUBJECT);
    if (subject == null) {
      throw new ConfigurationException(MPR_WEBPUSH_SUBJECT, "is required with the VAPID keys: mailto:you@example.com"
          + " or an https: URL where push services can reach you");
    }
    String hosts = e.get(MPR_WEBPUSH_ENDPOINT_HOSTS);
    String ca = e.get(MPR_WEBPUSH_TRUSTED_CA);
    long ttl = e.number(MPR_WEBPUSH_TTL_MS, 3_600_000L);
    String urgency = e.get(MPR_WEBPUSH_URGENCY);
    int inFlight = e.clampedInt(MPR_WEBPUSH_MAX_IN_FLIGHT, 64);
    String[] names = {MPR_WEBPUSH_VAPID_PUBLIC_KEY, MPR_WEBPUSH_VAPID_PRIVATE_KEY, MPR_WEBPUSH_SUBJECT,
        MPR_WEBPUSH_TTL_MS, MPR_WEBPUSH_URGENCY, MPR_WEBPUSH_ENDPOINT_HOSTS, MPR_WEBPUSH_TRUSTED_CA,
        MPR_WEBPUSH_MAX_IN_FLIGHT};
    if (ca != null && !Files.isReadable(Path.of(ca))) {
      throw new ConfigurationException(MPR_WEBPUSH_TRUSTED_CA, "names no readable file: " + ca);
    }
    try {
      return new WebPushSettings(pub, priv, subject, Duration.ofMillis(Math.max(0, ttl)),
          urgency == null ? "normal" : urgency,
          hosts == null ? WebPushSettings.DEFAULT_ENDPOINT_HOSTS : List.of(hosts.split(",")),
          ca == null ? null : Path.of(ca), inFlight, Duration.ofSeconds(10));
    } catch (IllegalArgumentException ex) {
      // the settings name their field: publicKey, privateKey, subject, ttl, urgency, endpointHosts, maxInFlight
      String m = ex.getMessage();
      String[] fields = {"publicKey", "privateKey", "subject", "ttl", "urgency", "endpointHosts", "trustedCa",
          "maxInFlight"};
      String variable = MPR_WEBPUSH_VAPID_PRIVATE_KEY;
      for (int i = 0; i < fields.length; i++) {
        if (m != null && m.startsWith(fields[i])) {
          variable = names[i];
          break;
        }
      }
      throw new ConfigurationException(variable, m);
    }
  }

  private static List<String> keys(String v) {
    if (v == null) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    for (String k : v.split(",", -1)) {
      if (!k.isBlank()) {
        keys.add(k.strip());
      }
    }
    if (keys.isEmpty()) {
      throw new ConfigurationException(MPR_CALLBACK_KEYS, "lists no key (leave it unset to accept every backend)");
    }
    return keys;
  }
}
