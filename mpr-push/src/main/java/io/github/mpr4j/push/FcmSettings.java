package io.github.mpr4j.push;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Firebase Cloud Messaging (HTTP v1 API) with the firebase-admin SDK.
 *
 * @param serviceAccountFile the service account JSON of the Firebase project ({@code FIREBASE_CFG_FILE})
 * @param endpoint base URL of the FCM v1 API; requests for Google's host go there instead (a proxy, a
 *     staging or test server). {@link #DEFAULT_ENDPOINT} by default.
 * @param maxInFlight sends waiting for FCM's answer at once (each holds one HTTP connection)
 * @param timeout connect and read timeout of one HTTP request
 */
public record FcmSettings(Path serviceAccountFile, URI endpoint, int maxInFlight, Duration timeout) {

  /** Google's FCM host. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://fcm.googleapis.com");

  public FcmSettings {
    Objects.requireNonNull(serviceAccountFile, "serviceAccountFile");
    Objects.requireNonNull(endpoint, "endpoint");
    if (endpoint.getScheme() == null || endpoint.getHost() == null
        || !(endpoint.getScheme().equals("https") || endpoint.getScheme().equals("http"))) {
      throw new IllegalArgumentException("the FCM endpoint must be an http or https URL, not " + endpoint);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, not " + timeout);
    }
  }

  /** Google's endpoint, 16 sends in flight, 10 s timeouts. */
  public static FcmSettings of(Path serviceAccountFile) {
    return new FcmSettings(serviceAccountFile, DEFAULT_ENDPOINT, 16, Duration.ofSeconds(10));
  }

  /** These settings with another endpoint. */
  public FcmSettings withEndpoint(URI endpoint) {
    return new FcmSettings(serviceAccountFile, endpoint, maxInFlight, timeout);
  }

  /** These settings with another in-flight limit. */
  public FcmSettings withMaxInFlight(int maxInFlight) {
    return new FcmSettings(serviceAccountFile, endpoint, maxInFlight, timeout);
  }
}
