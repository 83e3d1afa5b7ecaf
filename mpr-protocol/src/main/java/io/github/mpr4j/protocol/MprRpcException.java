package io.github.mpr4j.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The repository refused or failed a call, with a JSON-RPC error code (see {@link RpcErrors}), a message
 * and optional data such as {@code retryable}, {@code limit} or {@code retryAfterMs}.
 */
public class MprRpcException extends MprException {
  private final int code;
  private final Map<String, Object> data;

  /**
   * An error without a cause.
   *
   * @param code the JSON-RPC error code ({@link RpcErrors})
   * @param message what failed, for people
   * @param data the error's data members (copied); {@code null} for none
   */
  public MprRpcException(int code, String message, @Nullable Map<String, Object> data) {
    this(code, message, data, null);
  }

  /**
   * An error with a cause.
   *
   * @param code the JSON-RPC error code ({@link RpcErrors})
   * @param message what failed, for people
   * @param data the error's data members (copied); {@code null} for none
   * @param cause the failure that led to this one, or {@code null}
   */
  public MprRpcException(int code, String message, @Nullable Map<String, Object> data, @Nullable Throwable cause) {
    super(message, cause);
    this.code = code;
    this.data = data == null ? Map.of() : Map.copyOf(data);
  }

  /**
   * A failure of the operation inside the repository (-32000).
   *
   * @param message what failed, for people
   * @param retryable whether retrying may help ({@code data.retryable})
   * @param cause the failure inside the repository, or {@code null}
   * @return the exception
   */
  public static MprRpcException operationFailed(String message, boolean retryable, @Nullable Throwable cause) {
    return new MprRpcException(RpcErrors.OPERATION_FAILED, message, Map.of("retryable", retryable), cause);
  }

  /**
   * The store has no disk space for the change (-32000 with {@code data.reason: "disk full"} and {@code
   * data.retryable: false}, see {@link RpcErrors#REASON_DISK_FULL}).
   *
   * @param message what failed, for people
   * @param cause the store's failure, or {@code null}
   * @return the exception
   */
  public static MprRpcException diskFull(String message, @Nullable Throwable cause) {
    return new MprRpcException(RpcErrors.OPERATION_FAILED, message,
        Map.of("retryable", false, "reason", RpcErrors.REASON_DISK_FULL), cause);
  }

  /**
   * Invalid params (-32602); the message names the field.
   *
   * @param message what is wrong, naming the field
   * @return the exception
   */
  public static MprRpcException invalidParams(String message) {
    return new MprRpcException(RpcErrors.INVALID_PARAMS, message, null);
  }

  /**
   * The JSON-RPC error code.
   *
   * @return the code, one of {@link RpcErrors} for errors of this project
   */
  public int code() {
    return code;
  }

  /**
   * The error's data members.
   *
   * @return an unmodifiable map, empty when there are none
   */
  public Map<String, Object> data() {
    return data;
  }

  /**
   * Whether the repository said that retrying may help ({@code data.retryable}).
   *
   * @return {@code true} only when {@code data.retryable} is {@code true}
   */
  public boolean retryable() {
    return Boolean.TRUE.equals(data.get("retryable"));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code + "]: " + getMessage() + (data.isEmpty() ? "" : " " + data);
  }
}
