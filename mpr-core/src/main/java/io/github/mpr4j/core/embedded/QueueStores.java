package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.QueueStore;
import java.nio.file.Path;

/** Factories of the built-in {@link QueueStore}s. */
public final class QueueStores {
  private QueueStores() {}

  /** A store in heap memory: fast, lost when the process ends. For tests and throwaway set-ups. */
  public static QueueStore inMemory() {
    return new MemoryQueueStore();
  }

  /**
   * The embedded durable store in a directory (created when missing), with the default settings: every
   * answered mutation survives a crash of the process.
   */
  public static QueueStore embedded(Path directory) {
    return embedded(EmbeddedStoreSettings.defaults(directory));
  }

  /** The embedded durable store with the given settings. */
  public static QueueStore embedded(EmbeddedStoreSettings settings) {
    return new MvQueueStore(settings);
  }
}
