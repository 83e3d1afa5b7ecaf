package io.github.mpr4j.push.internal;

/**
 * What a provider said about one notification.
 *
 * @param kind accepted, permanently rejected, or failed in a way that a retry may cure
 * @param reason a metrics label ({@code unregistered}, {@code invalid_token}, {@code rejected},
 *     {@code unavailable}); null when accepted
 * @param detail the provider's own words, for the log
 */
public record Outcome(Kind kind, String reason, String detail) {
  public enum Kind { ACCEPTED, PERMANENT, TRANSIENT }

  public static final String UNREGISTERED = "unregistered";
  public static final String INVALID_TOKEN = "invalid_token";
  public static final String REJECTED = "rejected";
  public static final String UNAVAILABLE = "unavailable";

  static final Outcome ACCEPTED = new Outcome(Kind.ACCEPTED, null, null);

  static Outcome permanent(String reason, String detail) {
    return new Outcome(Kind.PERMANENT, reason, detail);
  }

  static Outcome transientFailure(String detail) {
    return new Outcome(Kind.TRANSIENT, UNAVAILABLE, detail);
  }
}
