package io.github.mpr4j.core.spi;

import io.github.mpr4j.protocol.PushNotificationToken;
import java.util.Objects;

/**
 * A push notification to send for a stored message whose recipient has no live session.
 *
 * @param connectionId the connection the message is for
 * @param messageId the stored message
 * @param token the recipient device's token (its {@code token()} is not null)
 */
public record PushRequest(String connectionId, String messageId, PushNotificationToken token) {
  public PushRequest {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(token, "token");
  }
}
