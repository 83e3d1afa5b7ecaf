package io.github.mpr4j.protocol;

/**
 * A call got no answer: the connection was lost or never made, the call timed out, or the repository was
 * closed. Whether the call took effect is unknown.
 */
public class MprTransportException extends MprException {
  public MprTransportException(String message, Throwable cause) {
    super(message, cause);
  }

  public MprTransportException(String message) {
    super(message, null);
  }
}
