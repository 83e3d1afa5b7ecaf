package io.github.mpr4j.core.callback;

import java.util.Objects;

/**
 * The outcome of {@link CallbackQueue#addIfRegistered}.
 *
 * @param status what happened to the message
 * @param messageId the id of the stored message; {@code null} when it was not stored
 */
public record CallbackAdd(Status status, String messageId) {

  /** What happened to the message. */
  public enum Status {
    /** Stored, and handed to the connection's live session (on whichever instance holds it). */
    LIVE,
    /** Stored as pending: the connection had no live session. */
    PENDING,
    /** Not stored: the registration does not exist in the {@link CallbackRegistry} (or has expired). */
    UNKNOWN_CLIENT,
    /** Not stored: the connection already has the most pending messages allowed. */
    TOO_MANY_PENDING
  }

  public CallbackAdd {
    Objects.requireNonNull(status, "status");
    if ((messageId != null) != (status == Status.LIVE || status == Status.PENDING)) {
      throw new IllegalArgumentException("a stored message has an id, and only a stored one: " + status);
    }
  }

  /** Stored; {@code live} when it went to a live session. */
  public static CallbackAdd stored(String messageId, boolean live) {
    return new CallbackAdd(live ? Status.LIVE : Status.PENDING, messageId);
  }
}
