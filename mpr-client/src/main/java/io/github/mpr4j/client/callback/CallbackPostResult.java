package io.github.mpr4j.client.callback;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's answer to {@code POST /callback/{clientId}}.
 *
 * @param status the HTTP status
 * @param outcome what the status means
 * @param id the stored notification's id when {@link Outcome#STORED}, else {@code null}
 * @param live when stored: whether the browser held a live socket on some instance when the answer was made
 *     (a hint, not a receipt)
 * @param retryAfter the server's {@code Retry-After} when it gave one ({@link Outcome#QUEUE_FULL},
 *     {@link Outcome#UNAVAILABLE}), else {@code null}
 */
public record CallbackPostResult(int status, Outcome outcome, @Nullable String id, boolean live,
    @Nullable Duration retryAfter) {

  /** The outcomes of a POST, one per status the gateway documents. */
  public enum Outcome {
    /** 202: stored; delivered to the browser now or on its next connection. */
    STORED,
    /** 400: the body is not exactly one JSON value. */
    BAD_REQUEST,
    /** 401: the backend key is missing or not one of the server's. */
    UNAUTHORIZED,
    /** 403: the call is not allowed (a POST to a user without backend keys configured on the server). */
    FORBIDDEN,
    /** 404: the clientId is not registered (never was, or expired), or no live registration is bound to the user. */
    NOT_REGISTERED,
    /** 413: the body is larger than the server's {@code MPR_CALLBACK_MAX_BODY_BYTES}. */
    TOO_LARGE,
    /** 429: the browser (every browser of the user) already has the most notifications waiting; retry later. */
    QUEUE_FULL,
    /** 503: the server's store failed or is saturated; nothing was stored; retry later. */
    UNAVAILABLE,
    /** Any other status. */
    UNEXPECTED;

    /** The outcome of an HTTP status. */
    static Outcome of(int status) {
      switch (status) {
        case 202:
          return STORED;
        case 400:
          return BAD_REQUEST;
        case 401:
          return UNAUTHORIZED;
        case 403:
          return FORBIDDEN;
        case 404:
          return NOT_REGISTERED;
        case 413:
          return TOO_LARGE;
        case 429:
          return QUEUE_FULL;
        case 503:
          return UNAVAILABLE;
        default:
          return UNEXPECTED;
      }
    }
  }

  /**
   * Checks the outcome against the status.
   *
   * @param status the HTTP status
   * @param outcome what the status means
   * @param id the stored notification's id when {@link Outcome#STORED}, else {@code null}
   * @param live when stored: whether the browser held a live socket on some instance when the answer was made (a
   *     hint, not a receipt)
   * @param retryAfter the server's {@code Retry-After} when it gave one ({@link Outcome#QUEUE_FULL}, {@link
   *     Outcome#UNAVAILABLE}), else {@code null}
   * @throws IllegalArgumentException when the outcome is {@link Outcome#STORED} without an id
   */
  public CallbackPostResult {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.STORED && id == null) {
      throw new IllegalArgumentException("a stored notification has an id");
    }
  }
}
