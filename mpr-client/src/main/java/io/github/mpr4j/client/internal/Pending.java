package io.github.mpr4j.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcRequests;
import java.util.concurrent.CompletableFuture;

/**
 * One call of the client, from its submission to its answer or failure. Confined to the client's event loop
 * once submitted; it is also the task that submits it ({@link #run()}), to save an allocation per call.
 */
final class Pending<T> implements Runnable {
  /** Turns the {@code result} of a success answer into the call's value; runs on the event loop. */
  @FunctionalInterface
  interface Decoder<T> {
    T decode(JsonNode result);
  }

  final String method;
  final JsonRpcRequests.Params params;
  final Decoder<T> decoder;
  final CompletableFuture<T> future;
  final long deadlineNanos;
  final Connection connection;
  /** Completed on the event loop itself (the client's own restore requests), not on the completion executor. */
  final boolean onLoop;

  /** The JSON-RPC id once sent, else 0. */
  long id;
  /** Completed (answered, failed or timed out). */
  boolean done;
  /** Neighbours in the {@link CallTable}'s list of outstanding calls, oldest first. */
  Pending<?> prev;
  Pending<?> next;
  boolean linked;
  /** In the client's queue of user calls waiting to be sent (counted against maxWaitingCalls). */
  boolean waiting;

  Pending(Connection connection, String method, JsonRpcRequests.Params params, Decoder<T> decoder, CompletableFuture<T> future,
      long deadlineNanos, boolean onLoop) {
    this.onLoop = onLoop;
    this.connection = connection;
    this.method = method;
    this.params = params;
    this.decoder = decoder;
    this.future = future;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void run() {
    connection.submit(this);
  }

  void complete(JsonNode result) {
    done = true;
    T value;
    try {
      value = decoder.decode(result);
    } catch (RuntimeException e) {
      finish(null, new io.github.mpr4j.protocol.MprTransportException(
          method + " got an answer the client does not understand: " + e.getMessage(), e));
      return;
    }
    finish(value, null);
  }

  void fail(Throwable cause) {
    done = true;
    finish(null, cause);
  }

  private void finish(T value, Throwable error) {
    if (onLoop) {
      Completions.completeHere(future, value, error);
    } else {
      connection.completions().complete(future, value, error);
    }
  }
}
