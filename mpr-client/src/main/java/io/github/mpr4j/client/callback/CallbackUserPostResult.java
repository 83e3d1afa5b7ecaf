package io.github.mpr4j.client.callback;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's answer to {@code POST /callback/user/{userId}}.
 *
 * @param status the HTTP status
 * @param outcome what the status means (the same outcomes as a POST to one browser)
 * @param ids when stored: one notification id per browser of the user that got it; else empty
 * @param live how many of those browsers held a live socket when the answer was made
 * @param pending how many of them will get it on their next connection
 * @param refused how many of the user's browsers were at their pending limit and did not get it
 * @param retryAfter the server's {@code Retry-After} when it gave one, else {@code null}
 */
public record CallbackUserPostResult(int status, CallbackPostResult.Outcome outcome, List<String> ids, int live,
    int pending, int refused, @Nullable Duration retryAfter) {

  /**
   * Copies the ids.
   *
   * @param status the HTTP status
   * @param outcome what the status means (the same outcomes as a POST to one browser)
   * @param ids when stored: one notification id per browser of the user that got it; else empty
   * @param live how many of those browsers held a live socket when the answer was made
   * @param pending how many of them will get it on their next connection
   * @param refused how many of the user's browsers were at their pending limit and did not get it
   * @param retryAfter the server's {@code Retry-After} when it gave one, else {@code null}
   */
  public CallbackUserPostResult {
    Objects.requireNonNull(outcome, "outcome");
    ids = List.copyOf(ids);
  }
}
