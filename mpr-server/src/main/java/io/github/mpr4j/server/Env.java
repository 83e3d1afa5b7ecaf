package io.github.mpr4j.server;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Typed reads of one view of the environment, shared by every configuration reader; every failure names
 * the variable. A blank variable counts as unset, and values are stripped.
 */
final class Env {
  private final Function<String, String> source;

  /** @param source gives a variable's value, {@code null} when unset */
  Env(Function<String, String> source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The environment held in a map, such as {@code System.getenv()}. */
  static Env of(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    return new Env(env::get);
  }

  /** The stripped value, or {@code null} when unset or blank. */
  String get(String name) {
    String v = source.apply(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The stripped value, or {@code defaultValue} when unset or blank. */
  String get(String name, String defaultValue) {
    String v = get(name);
    return v == null ? defaultValue : v;
  }

  /** An int of at least {@code min}. */
  int integer(String name, int defaultValue, int min) {
    String v = get(name);
    if (v == null) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException ex) {
      throw new ConfigurationException(name, "must be an integer, not '" + v + "'");
    }
    checkMin(name, n, min);
    return n;
  }

  /** A long of any value: the settings it goes into check its range, with their own message. */
  long number(String name, long defaultValue) {
    String v = get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name, "must be an integer, not '" + v + "'");
    }
  }

  /** Like {@link #number}, but at most {@link Integer#MAX_VALUE}. */
  int clampedInt(String name, long defaultValue) {
    return (int) Math.min(Integer.MAX_VALUE, number(name, defaultValue));
  }

  int port(String name, int defaultValue) {
    String v = get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      checkPort(name, n);
      return n;
    } catch (NumberFormatException ex) {
      throw new ConfigurationException(name, "must be a port number from 0 to 65535, not '" + v + "'");
    }
  }

  boolean bool(String name, boolean defaultValue) {
    String v = get(name);
    if (v == null) {
      return defaultValue;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ConfigurationException(name, "must be true or false, not '" + v + "'");
    }
  }

  Path path(String name, String defaultValue) {
    String v = get(name);
    try {
      return Path.of(v == null ? defaultValue : v);
    } catch (InvalidPathException ex) {
      throw new ConfigurationException(name, "is not a valid path: " + ex.getMessage());
    }
  }

  /** A path, or {@code null} when unset. */
  Path optionalPath(String name) {
    return get(name) == null ? null : path(name, null);
  }

  static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigurationException(name, "must be a port number from 0 to 65535, not " + port);
    }
  }

  static void checkMin(String name, int value, int min) {
    if (value < min) {
      throw new ConfigurationException(name, "must be at least " + min + ", not " + value);
    }
  }
}
