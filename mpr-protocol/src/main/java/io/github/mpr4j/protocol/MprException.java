package io.github.mpr4j.protocol;

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
  protected MprException(String message, Throwable cause) {
    super(message, cause);
  }
}
