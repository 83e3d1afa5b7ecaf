package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception of the MPR API. It is unchecked; asynchronous methods complete their
 * futures exceptionally with it instead of throwing.
 *
 * <ul>
 *   <li>{@link MprRpcException}: the repository answered and said no (a JSON-RPC error object);
 *   <li>{@link MprTransportException}: no answer came (connection lost, timeout, closed client).
 * </ul>
 */
public abstract class MprException extends RuntimeException {
  /**
   * An exception with a message and an optional cause.
   *
   * @param message what failed, for people
   * @param cause the failure that led to this one, or {@code null}
   */
  protected MprException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
