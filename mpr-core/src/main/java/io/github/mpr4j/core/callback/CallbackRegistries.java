package io.github.mpr4j.core.callback;

import java.nio.file.Path;

/** Factories of the built-in {@link CallbackRegistry} implementations. */
public final class CallbackRegistries {
  private CallbackRegistries() {}

  /** Registrations in heap memory, lost when the process ends; for one instance with the memory store. */
  public static CallbackRegistry inMemory() {
    return new MemoryCallbackRegistry();
  }

  /**
   * Registrations in their own small file ({@value MvCallbackRegistry#FILE_NAME}) in a directory (created
   * when missing), normally the embedded store's directory: they survive a restart. The file is locked
   * while open.
   */
  public static CallbackRegistry embedded(Path directory) {
    return new MvCallbackRegistry(directory);
  }
}
