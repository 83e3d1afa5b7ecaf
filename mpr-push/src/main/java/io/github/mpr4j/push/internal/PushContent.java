package io.github.mpr4j.push.internal;

import java.util.Objects;

/**
 * What a notification shows, the same for both providers.
 *
 * @param title the alert's title
 * @param body the alert's text
 * @param dataOnly no alert at all: a silent (data or background) notification
 */
public record PushContent(String title, String body, boolean dataOnly) {
  /** The {@code @type} of an FCM notification's data, as the TypeScript server sends it. */
  public static final String FCM_TYPE = "https://didcomm.org/push-notifications-fcm";
  /** The {@code @type} of an APNs notification's payload, as the TypeScript server sends it. */
  public static final String APNS_TYPE = "https://didcomm.org/push-notifications-apns";
  /** Android's collapse key (and notification tag), APNs' collapse id. */
  public static final String COLLAPSE_KEY = "generic-new-messages";

  public PushContent {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
  }
}
