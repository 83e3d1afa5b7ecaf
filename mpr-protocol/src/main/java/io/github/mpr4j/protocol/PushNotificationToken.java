package io.github.mpr4j.protocol;

/**
 * The push notification token of a recipient's device, given with addMessage.
 *
 * @param type the provider: {@code "fcm"} or {@code "apns"}
 * @param token the device token, or {@code null} when the device has none (no push is then sent)
 */
public record PushNotificationToken(String type, String token) {
  /** Firebase Cloud Messaging. */
  public static final String FCM = "fcm";
  /** Apple Push Notification service. */
  public static final String APNS = "apns";

  public PushNotificationToken {
    Checks.oneOf("pushNotificationToken.type", type, FCM, APNS);
    if (token != null && token.isEmpty()) {
      token = null;
    }
  }

  /** An FCM registration token. */
  public static PushNotificationToken fcm(String token) {
    return new PushNotificationToken(FCM, token);
  }

  /** An APNs device token. */
  public static PushNotificationToken apns(String token) {
    return new PushNotificationToken(APNS, token);
  }
}
