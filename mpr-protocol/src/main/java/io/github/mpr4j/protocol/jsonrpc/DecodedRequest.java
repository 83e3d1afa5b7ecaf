package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** One element of a frame: a well-formed request, or an invalid one to answer with -32600. */
public sealed interface DecodedRequest {

  /**
   * A well-formed request.
   *
   * @param request the request
   */
  record Valid(RpcRequest request) implements DecodedRequest {}

  /**
   * Not a valid request object.
   *
   * @param id the request's id when it could be read, else {@code null} (answered as JSON null)
   * @param message what is wrong
   */
  record Invalid(@Nullable JsonNode id, String message) implements DecodedRequest {}
}
