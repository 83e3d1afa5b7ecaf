package io.github.mpr4j.server.internal;

/**
 * The instance id that the JSON log lines carry. Kept apart from {@link JsonLogEncoder}, which extends a
 * Logback class: an embedded server on a class path without Logback sets it without loading Logback.
 */
final class LogInstance {
  private static volatile String id;

  private LogInstance() {}

  /** Names the instance in every line from now on (the server calls it once its queue exists). */
  static void set(String instanceId) {
    id = instanceId;
  }

  static String get() {
    return id;
  }
}
