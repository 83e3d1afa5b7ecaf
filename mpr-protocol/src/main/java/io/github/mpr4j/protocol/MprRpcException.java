package io.github.mpr4j.protocol;

import java.util.Map;

/**
 * The repository refused or failed a call, with a JSON-RPC error code (see {@link RpcErrors}), a message
 * and optional data such as {@code retryable}, {@code limit} or {@code retryAfterMs}.
 */
public class MprRpcException extends MprException {
  private final int code;
  private final Map<String, Object> data;

  public MprRpcException(int code, String message, Map<String, Object> data) {
    this(code, message, data, null);
  }

  public MprRpcException(int code, String message, Map<String, Object> data, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.data = data == null ? Map.of() : Map.copyOf(data);
  }

  /** A failure of the operation inside the repository (-32000). */
  public static MprRpcException operationFailed(String message, boolean retryable, Throwable cause) {
    return new MprRpcException(RpcErrors.OPERATION_FAILED, message, Map.of("retryable", retryable), cause);
  }

  /**
   * The store has no disk space for the change (-32000 with {@code data.reason: "disk full"} and {@code
   * data.retryable: false}, see {@link RpcErrors#REASON_DISK_FULL}).
   */
  public static MprRpcException diskFull(String message, Throwable cause) {
    return new MprRpcException(RpcErrors.OPERATION_FAILED, message,
        Map.of("retryable", false, "reason", RpcErrors.REASON_DISK_FULL), cause);
  }

  /** Invalid params (-32602); the message names the field. */
  public static MprRpcException invalidParams(String message) {
    return new MprRpcException(RpcErrors.INVALID_PARAMS, message, null);
  }

  /** The JSON-RPC error code. */
  public int code() {
    return code;
  }

  /** The error's data members (empty when there are none). */
  public Map<String, Object> data() {
    return data;
  }

  /** Whether the repository said that retrying may help ({@code data.retryable}). */
  public boolean retryable() {
    return Boolean.TRUE.equals(data.get("retryable"));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code + "]: " + getMessage() + (data.isEmpty() ? "" : " " + data);
  }
}
