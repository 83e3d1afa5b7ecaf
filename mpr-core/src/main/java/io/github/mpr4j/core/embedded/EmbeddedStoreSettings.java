package io.github.mpr4j.core.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the embedded store.
 *
 * @param directory where the store's file lives (created when missing)
 * @param cacheSizeMb the page cache, in MiB: messages beyond it stay on disk
 * @param fsync whether each commit is forced to the device (survives a power loss, not only a process
 *     crash), at a cost in throughput
 * @param minFreeMb the free space, in MiB, below which appends are refused ({@code StoreFullException}) so
 *     that takes and removals, which write too, still have room to drain the store; at most a quarter of the
 *     file system's size is kept (a small disk is not refused whole); 0 turns the check off
 */
public record EmbeddedStoreSettings(Path directory, int cacheSizeMb, boolean fsync, int minFreeMb) {
  /** The default of {@link #minFreeMb()}. */
  public static final int DEFAULT_MIN_FREE_MB = 64;

  public EmbeddedStoreSettings {
    Objects.requireNonNull(directory, "directory");
    if (cacheSizeMb < 1) {
      throw new IllegalArgumentException("cacheSizeMb must be >= 1, not " + cacheSizeMb);
    }
    if (minFreeMb < 0) {
      throw new IllegalArgumentException("minFreeMb must be >= 0, not " + minFreeMb);
    }
  }

  /** Settings that keep the default free space ({@value #DEFAULT_MIN_FREE_MB} MiB). */
  public EmbeddedStoreSettings(Path directory, int cacheSizeMb, boolean fsync) {
    this(directory, cacheSizeMb, fsync, DEFAULT_MIN_FREE_MB);
  }

  /**
   * The defaults for a directory: a 4 MiB cache, no fsync, {@value #DEFAULT_MIN_FREE_MB} MiB kept free. MVStore caches every page it writes, so a
   * large cache fills the young generation with pages each collection must copy: with 32 MiB, G1's young
   * pauses reached 84 ms under live load; with 4 MiB the p99 of live delivery fell from 45-50 ms to
   * 9 ms and appends got faster (docs/benchmarks.md).
   */
  public static EmbeddedStoreSettings defaults(Path directory) {
    return new EmbeddedStoreSettings(directory, 4, false, DEFAULT_MIN_FREE_MB);
  }
}
