package io.github.mpr4j.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Parameters of addMessage.
 *
 * @param connectionId the queue to append to
 * @param recipientDids the recipient keys the message is for (non-empty); takeFromQueue can filter by one
 * @param payload the message
 * @param pushNotificationToken the device to wake when no live session exists, or {@code null}
 */
public record AddMessageOptions(String connectionId, List<String> recipientDids, EncryptedMessage payload,
    PushNotificationToken pushNotificationToken) {
  public AddMessageOptions {
    Checks.nonEmpty("connectionId", connectionId);
    recipientDids = Checks.nonEmptyStrings("recipientDids", recipientDids, false);
    Objects.requireNonNull(payload, "payload");
  }

  /** A message without a push notification token. */
  public static AddMessageOptions of(String connectionId, List<String> recipientDids, EncryptedMessage payload) {
    return new AddMessageOptions(connectionId, recipientDids, payload, null);
  }

  /** This message with the given push notification token. */
  public AddMessageOptions withPushNotificationToken(PushNotificationToken token) {
    return new AddMessageOptions(connectionId, recipientDids, payload, token);
  }
}
