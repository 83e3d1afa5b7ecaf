package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The push notification token of a recipient's device, given with addMessage.
 *
 * @param type the provider: {@code "fcm"} or {@code "apns"} (on the wire); {@code "webpush"} in-process
 *     only, for the callback gateway's browser subscriptions (the JSON-RPC API refuses it)
 * @param token the device token, or {@code null} when the device has none (no push is then sent)
 */
public record PushNotificationToken(String type, @Nullable String token) {
  /** Firebase Cloud Messaging. */
  public static final String FCM = "fcm";
  /** Apple Push Notification service. */
  public static final String APNS = "apns";
  /** Web Push; the token is a browser's subscription as JSON. Never accepted from the wire. */
  public static final String WEBPUSH = "webpush";

  /**
   * Checks the type; an empty token is kept as {@code null}.
   *
   * @param type the provider: {@code "fcm"} or {@code "apns"} (on the wire); {@code "webpush"} in-process only,
   *     for the callback gateway's browser subscriptions (the JSON-RPC API refuses it)
   * @param token the device token, or {@code null} when the device has none (no push is then sent)
   * @throws MprRpcException -32602 when {@code type} is not one of {@link #FCM}, {@link #APNS}, {@link #WEBPUSH}
   */
  public PushNotificationToken {
    Checks.oneOf("pushNotificationToken.type", type, FCM, APNS, WEBPUSH);
    if (token != null && token.isEmpty()) {
      token = null;
    }
  }

  /**
   * A token as a JSON-RPC client sends it: only {@code fcm} and {@code apns}.
   *
   * @param type the provider as sent, {@code "fcm"} or {@code "apns"}
   * @param token the device token as sent; {@code null} or empty when the device has none
   * @return the token
   * @throws MprRpcException -32602 for any other type
   */
  public static PushNotificationToken fromWire(String type, @Nullable String token) {
    Checks.oneOf("pushNotificationToken.type", type, FCM, APNS);
    return new PushNotificationToken(type, token);
  }

  /**
   * An FCM registration token.
   *
   * @param token the registration token; {@code null} or empty when the device has none
   * @return the token
   */
  public static PushNotificationToken fcm(@Nullable String token) {
    return new PushNotificationToken(FCM, token);
  }

  /**
   * An APNs device token.
   *
   * @param token the device token (hex); {@code null} or empty when the device has none
   * @return the token
   */
  public static PushNotificationToken apns(@Nullable String token) {
    return new PushNotificationToken(APNS, token);
  }
}
