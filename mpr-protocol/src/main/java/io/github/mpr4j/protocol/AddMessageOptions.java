package io.github.mpr4j.protocol;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Parameters of addMessage.
 *
 * @param connectionId the queue to append to
 * @param recipientDids the recipient keys the message is for (non-empty); takeFromQueue can filter by one
 * @param payload the message
 * @param pushNotificationToken the device to wake when no live session exists, or {@code null}
 */
public record AddMessageOptions(String connectionId, List<String> recipientDids, EncryptedMessage payload,
    @Nullable PushNotificationToken pushNotificationToken) {
  /**
   * Checks the fields and copies {@code recipientDids}.
   *
   * @param connectionId the queue to append to
   * @param recipientDids the recipient keys the message is for (non-empty); takeFromQueue can filter by one
   * @param payload the message
   * @param pushNotificationToken the device to wake when no live session exists, or {@code null}
   * @throws MprRpcException -32602 naming the field when {@code connectionId} is null or empty, {@code
   *     recipientDids} is null, empty or holds a null or empty string, or {@code payload} is null
   */
  public AddMessageOptions {
    Checks.nonEmpty("connectionId", connectionId);
    recipientDids = Checks.nonEmptyStrings("recipientDids", recipientDids, false);
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * A message without a push notification token (no push is sent for it).
   *
   * @param connectionId the queue to append to (non-empty)
   * @param recipientDids the recipient keys the message is for (non-empty, each non-empty)
   * @param payload the message
   * @return the options
   * @throws MprRpcException -32602 naming the bad field
   */
  public static AddMessageOptions of(String connectionId, List<String> recipientDids, EncryptedMessage payload) {
    return new AddMessageOptions(connectionId, recipientDids, payload, null);
  }

  /**
   * This message with the given push notification token.
   *
   * @param token the device to wake when no live session exists; {@code null} for none
   * @return a copy of these options with the token
   */
  public AddMessageOptions withPushNotificationToken(@Nullable PushNotificationToken token) {
    return new AddMessageOptions(connectionId, recipientDids, payload, token);
  }
}
