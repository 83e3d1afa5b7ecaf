package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A well-formed JSON-RPC request. Its method may still be unknown and its params invalid.
 *
 * @param id the request id (a number or string node), or {@code null} for a notification
 * @param method the method name
 * @param params the params (an object or array node), or {@code null} when absent
 */
public record RpcRequest(@Nullable JsonNode id, String method, @Nullable JsonNode params) {
  /**
   * Whether the request has no id and so gets no response.
   *
   * @return {@code true} when {@link #id()} is {@code null}
   */
  public boolean isNotification() {
    return id == null;
  }
}
