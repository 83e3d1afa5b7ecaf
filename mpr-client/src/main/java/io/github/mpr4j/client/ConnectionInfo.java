package io.github.mpr4j.client;

import io.github.mpr4j.protocol.PushNotificationToken;

/**
 * What the mediator knows about a connection that the client applies to its calls (the TypeScript
 * client's {@code setConnectionInfo}): the device's push notification token, given to addMessage when the
 * call has none, and the most bytes the recipient accepts in one batch, given to takeFromQueue as
 * {@code limitBytes} when the call has none.
 *
 * @param pushNotificationToken the recipient's device token, or {@code null}
 * @param maxReceiveBytes the most message bytes one takeFromQueue may return, or {@code null} for no limit
 */
public record ConnectionInfo(PushNotificationToken pushNotificationToken, Integer maxReceiveBytes) {
  /** Nothing known about the connection. */
  public static final ConnectionInfo NONE = new ConnectionInfo(null, null);

  public ConnectionInfo {
    if (maxReceiveBytes != null && maxReceiveBytes <= 0) {
      throw new IllegalArgumentException("maxReceiveBytes must be > 0 when given, not " + maxReceiveBytes);
    }
  }
}
