package io.github.mpr4j.client;

import io.github.mpr4j.protocol.PushNotificationToken;
import org.jspecify.annotations.Nullable;

/**
 * What the mediator knows about a connection that the client applies to its calls (the TypeScript
 * client's {@code setConnectionInfo}): the device's push notification token, given to addMessage when the
 * call has none, and the most bytes the recipient accepts in one batch, given to takeFromQueue as
 * {@code limitBytes} when the call has none.
 *
 * @param pushNotificationToken the recipient's device token, or {@code null}
 * @param maxReceiveBytes the most message bytes one takeFromQueue may return, or {@code null} for no limit
 */
public record ConnectionInfo(@Nullable PushNotificationToken pushNotificationToken, @Nullable Integer maxReceiveBytes) {
  /** Nothing known about the connection. */
  public static final ConnectionInfo NONE = new ConnectionInfo(null, null);

  /**
   * Checks the byte limit.
   *
   * @param pushNotificationToken the recipient's device token, or {@code null}
   * @param maxReceiveBytes the most message bytes one takeFromQueue may return, or {@code null} for no limit
   * @throws IllegalArgumentException when {@code maxReceiveBytes} is given and not positive
   */
  public ConnectionInfo {
    if (maxReceiveBytes != null && maxReceiveBytes <= 0) {
      throw new IllegalArgumentException("maxReceiveBytes must be > 0 when given, not " + maxReceiveBytes);
    }
  }

  /**
   * The information of a connection whose recipient has a device to wake and no byte limit.
   *
   * @param pushNotificationToken the recipient's device token
   * @return the information
   */
  public static ConnectionInfo of(PushNotificationToken pushNotificationToken) {
    return new ConnectionInfo(pushNotificationToken, null);
  }

  /**
   * This information with a byte limit for takeFromQueue.
   *
   * @param maxReceiveBytes the most message bytes one takeFromQueue may return, positive
   * @return a copy with the limit
   * @throws IllegalArgumentException when {@code maxReceiveBytes} is not positive
   */
  public ConnectionInfo withMaxReceiveBytes(int maxReceiveBytes) {
    return new ConnectionInfo(pushNotificationToken, maxReceiveBytes);
  }
}
