package io.github.mpr4j.server;

import static io.github.mpr4j.server.PushConfig.APNS_CFG_FILE;
import static io.github.mpr4j.server.PushConfig.APNS_PATH_KEY;
import static io.github.mpr4j.server.PushConfig.APNS_TOPIC;
import static io.github.mpr4j.server.PushConfig.FIREBASE_CFG_FILE;
import static io.github.mpr4j.server.PushConfig.MPR_APNS_MAX_IN_FLIGHT;
import static io.github.mpr4j.server.PushConfig.MPR_APNS_SERVER;
import static io.github.mpr4j.server.PushConfig.MPR_APNS_TRUSTED_CA;
import static io.github.mpr4j.server.PushConfig.MPR_FCM_ENDPOINT;
import static io.github.mpr4j.server.PushConfig.MPR_FCM_MAX_IN_FLIGHT;
import static io.github.mpr4j.server.PushConfig.MPR_PUSH_BODY;
import static io.github.mpr4j.server.PushConfig.MPR_PUSH_DEDUP_WINDOW_MS;
import static io.github.mpr4j.server.PushConfig.MPR_PUSH_QUEUE_CAPACITY;
import static io.github.mpr4j.server.PushConfig.MPR_PUSH_TITLE;
import static io.github.mpr4j.server.PushConfig.NOTIFICATION_DATA_ONLY;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/** Reads the push notification settings: the TypeScript server's provider variables and {@code MPR_PUSH_*}, {@code MPR_APNS_*}, {@code MPR_FCM_*}. */
final class PushConfigReader {
  private PushConfigReader() {}

  static PushConfig read(Env e) {
    boolean silent = e.bool(NOTIFICATION_DATA_ONLY, false);
    String endpoint = e.get(MPR_FCM_ENDPOINT);
    URI fcm = null;
    if (endpoint != null) {
      try {
        fcm = new URI(endpoint);
      } catch (URISyntaxException ex) {
        throw new ConfigurationException(MPR_FCM_ENDPOINT, "is not a URL: " + ex.getMessage());
      }
      if (fcm.getHost() == null || !("http".equals(fcm.getScheme()) || "https".equals(fcm.getScheme()))) {
        throw new ConfigurationException(MPR_FCM_ENDPOINT, "must be an http or https URL, not '" + endpoint + "'");
      }
    }
    return new PushConfig(
        e.optionalPath(FIREBASE_CFG_FILE),
        e.optionalPath(APNS_CFG_FILE),
        e.optionalPath(APNS_PATH_KEY),
        e.get(APNS_TOPIC),
        silent,
        e.get(MPR_PUSH_TITLE, "New message"),
        e.get(MPR_PUSH_BODY, "You have new messages"),
        Duration.ofMillis(e.integer(MPR_PUSH_DEDUP_WINDOW_MS, 5_000, 0)),
        e.integer(MPR_PUSH_QUEUE_CAPACITY, 10_000, 1),
        e.get(MPR_APNS_SERVER),
        e.optionalPath(MPR_APNS_TRUSTED_CA),
        e.integer(MPR_APNS_MAX_IN_FLIGHT, 1_500, 1),
        fcm,
        e.integer(MPR_FCM_MAX_IN_FLIGHT, 16, 1));
  }
}
