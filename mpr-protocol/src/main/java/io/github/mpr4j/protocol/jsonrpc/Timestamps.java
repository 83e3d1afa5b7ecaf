package io.github.mpr4j.protocol.jsonrpc;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** receivedAt on the wire: ISO-8601 in UTC with exactly three fractional digits. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private Timestamps() {}

  /** Formats, for example {@code 2026-11-23T20:33:52.000Z}. */
  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** Parses any ISO-8601 instant. */
  public static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 instant: " + text, e);
    }
  }
}
