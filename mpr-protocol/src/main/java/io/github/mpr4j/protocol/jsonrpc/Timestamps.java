package io.github.mpr4j.protocol.jsonrpc;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** receivedAt on the wire: ISO-8601 in UTC with exactly three fractional digits. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private Timestamps() {}

  /**
   * Formats an instant as the wire carries it.
   *
   * @param instant the instant (truncated to milliseconds)
   * @return the text, for example {@code 2026-11-23T20:33:52.000Z}
   */
  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /**
   * Parses any ISO-8601 instant, with or without fractional seconds.
   *
   * @param text the text, for example {@code 2026-11-23T20:33:52.123Z}
   * @return the instant
   * @throws IllegalArgumentException when the text is not an ISO-8601 instant
   */
  public static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 instant: " + text, e);
    }
  }
}
