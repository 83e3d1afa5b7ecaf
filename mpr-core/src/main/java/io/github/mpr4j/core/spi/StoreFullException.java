package io.github.mpr4j.core.spi;

/**
 * The store refused a change because it has no room for it: the disk that holds it is (nearly) full. Unlike
 * other store failures, retrying at once does not help; it succeeds again once space is freed (by removing
 * messages, which a full store still accepts, or by the operator). The pickup queue answers it with -32000,
 * {@code data.reason: "disk full"} and {@code data.retryable: false}.
 */
public class StoreFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFullException(String message) {
    super(message);
  }

  public StoreFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
