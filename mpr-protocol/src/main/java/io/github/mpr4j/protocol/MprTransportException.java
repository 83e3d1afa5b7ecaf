package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A call got no answer: the connection was lost or never made, the call timed out, or the repository was
 * closed. Whether the call took effect is unknown.
 */
public class MprTransportException extends MprException {
  /**
   * A call that got no answer, with the failure that explains it.
   *
   * @param message what failed, for people
   * @param cause the transport's failure, or {@code null}
   */
  public MprTransportException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * A call that got no answer, without a cause.
   *
   * @param message what failed, for people
   */
  public MprTransportException(String message) {
    super(message, null);
  }
}
