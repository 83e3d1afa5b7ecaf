package io.github.mpr4j.protocol;

/** The JSON-RPC error codes of the MPR protocol. */
public final class RpcErrors {
  private RpcErrors() {}

  /** The frame is not valid JSON. */
  public static final int PARSE_ERROR = -32700;
  /** Not a request object, or an empty or oversized batch. */
  public static final int INVALID_REQUEST = -32600;
  /** Unknown method. */
  public static final int METHOD_NOT_FOUND = -32601;
  /** Invalid params; the message names the field. */
  public static final int INVALID_PARAMS = -32602;
  /** Unexpected failure in the server. */
  public static final int INTERNAL_ERROR = -32603;
  /** The operation failed inside the server; {@code data.retryable} says whether retrying may help. */
  public static final int OPERATION_FAILED = -32000;
  /** Payload too large; {@code data.limit} is the limit in bytes. */
  public static final int PAYLOAD_TOO_LARGE = -32001;
  /** Too many requests in flight or rate limited; {@code data.retryAfterMs}. */
  public static final int TOO_MANY_REQUESTS = -32002;
  /** The socket lacks the right the method needs. */
  public static final int UNAUTHORIZED = -32003;

  /**
   * {@code data.reason} of a -32000 that refused a change for lack of disk space ({@code data.retryable} is
   * false: it succeeds again once space is freed, and takes and removals still work).
   */
  public static final String REASON_DISK_FULL = "disk full";
}
