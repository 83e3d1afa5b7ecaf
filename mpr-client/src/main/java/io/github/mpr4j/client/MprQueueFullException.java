package io.github.mpr4j.client;

import io.github.mpr4j.protocol.MprTransportException;

/**
 * A call failed at once, unsent, because the client already held
 * {@link MprClient.Builder#maxWaitingCalls(int) maxWaitingCalls} calls waiting to be sent (while it was not
 * connected, or while every in-flight slot was taken). Unlike other transport failures, the call certainly
 * did not take effect: it may be retried as it is, once the client is connected again or the backlog has
 * drained.
 */
public final class MprQueueFullException extends MprTransportException {
  private static final long serialVersionUID = 1L;

  /** The bound that was reached. */
  private final int limit;

  /**
   * An exception for a call that was refused.
   *
   * @param message what was refused and why
   * @param limit the bound that was reached ({@code maxWaitingCalls})
   */
  public MprQueueFullException(String message, int limit) {
    super(message);
    this.limit = limit;
  }

  /**
   * The bound that was reached.
   *
   * @return the client's {@code maxWaitingCalls}
   */
  public int limit() {
    return limit;
  }
}
