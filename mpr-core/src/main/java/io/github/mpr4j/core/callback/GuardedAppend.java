package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.spi.LiveSession;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link CallbackStore#appendIfRegistered} did.
 *
 * @param result whether the message was appended, and if not, why
 * @param session the live session the message is now sending to; empty when it was stored pending or not
 *     stored
 */
public record GuardedAppend(Result result, Optional<LiveSession> session) {

  /** Whether the message was appended, and if not, why. */
  public enum Result {
    /** Appended: pending, or sending to {@link #session()}. */
    APPENDED,
    /** Not appended: the registration does not exist (never did, or expired). */
    UNKNOWN_CLIENT,
    /** Not appended: the connection already has the most pending messages allowed. */
    TOO_MANY_PENDING
  }

  public GuardedAppend {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(session, "session");
  }

  /** Appended, pending or sending to a live session. */
  public static GuardedAppend appended(Optional<LiveSession> session) {
    return new GuardedAppend(Result.APPENDED, session);
  }

  /** Not appended, for the given reason. */
  public static GuardedAppend refused(Result reason) {
    if (reason == Result.APPENDED) {
      throw new IllegalArgumentException("a refusal needs a reason");
    }
    return new GuardedAppend(reason, Optional.empty());
  }
}
