package io.github.mpr4j.server.internal;

import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.RpcErrors;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps failures to JSON-RPC errors and error codes to the outcome label of the metrics. */
final class RpcOutcomes {
  private static final Logger log = LoggerFactory.getLogger(RpcOutcomes.class);

  private RpcOutcomes() {}

  /** The JSON-RPC error for a failure of a request. */
  static MprRpcException toRpcError(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof MprRpcException e) {
      return e;
    }
    if (t instanceof MprTransportException e) {
      return MprRpcException.operationFailed("the operation could not run: " + e.getMessage(), true, e);
    }
    log.warn("unexpected failure of a request", t);
    return MprRpcException.operationFailed("internal error: " + t, false, t);
  }

  /** The outcome label of a request that failed with this code. */
  static String outcome(int code) {
    switch (code) {
      case RpcErrors.PARSE_ERROR:
        return "parse_error";
      case RpcErrors.INVALID_REQUEST:
        return "invalid_request";
      case RpcErrors.METHOD_NOT_FOUND:
        return "method_not_found";
      case RpcErrors.INVALID_PARAMS:
        return "invalid_params";
      case RpcErrors.OPERATION_FAILED:
        return "failed";
      case RpcErrors.PAYLOAD_TOO_LARGE:
        return "payload_too_large";
      case RpcErrors.TOO_MANY_REQUESTS:
        return "too_many_requests";
      case RpcErrors.UNAUTHORIZED:
        return "unauthorized";
      default:
        return "error";
    }
  }
}
