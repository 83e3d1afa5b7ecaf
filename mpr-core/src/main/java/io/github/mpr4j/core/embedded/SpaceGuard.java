package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.StoreFullException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a minimum of free space for the embedded store, as a flood-stage watermark: appends are admitted
 * only while the free space stays above it, so that takes and removals (which write too: MVStore is
 * copy-on-write) always have room to drain a full store.
 *
 * <p>Free space is what the file system lets this process use plus the space inside the store's file that
 * MVStore can reuse (a drain frees space inside the file, which the file system does not see until MVStore
 * shrinks the file). Measuring costs a {@code statvfs} and a look at MVStore's free-space map, so it is done
 * at most every {@link #MEASURE_PERIOD_NANOS} (or on demand when the estimate falls below the minimum, at
 * most every {@link #MIN_MEASURE_INTERVAL_NANOS}); in between, every admitted append lowers the estimate by
 * {@link #WRITE_AMPLIFICATION} times its size. Thread-safe.
 */
final class SpaceGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceGuard.class);
  /** Bytes written per byte appended, rounded up: a 1 KiB append writes about 2,350 bytes (docs/embedded-store.md). */
  static final int WRITE_AMPLIFICATION = 3;
  static final long MEASURE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MIN_MEASURE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MIB = 1024 * 1024;

  private record Measurement(long freeBytes, long atNanos) {}

  private final Path directory;
  private final FileStore fileSystem;
  private final long minFreeBytes;
  /** Below this the store is not ready: a little above the minimum, so readiness turns before adds do. */
  private final long readyBytes;
  private final LongSupplier reusableInFile;
  /** Bytes admitted since the last measurement, times the write amplification. */
  private final AtomicLong spent = new AtomicLong();
  private volatile Measurement last;
  private boolean wasShort; // guarded by this

  /**
   * @param directory the store's directory (it exists)
   * @param minFreeBytes the free space to keep, at most a quarter of the file system's size (so that a small
   *     disk is not refused whole); 0 turns the check off
   * @param reusableInFile the bytes inside the store's file that MVStore can reuse now (0 when unknown)
   */
  SpaceGuard(Path directory, long minFreeBytes, LongSupplier reusableInFile) {
    this.directory = directory;
    this.reusableInFile = reusableInFile;
    FileStore fs;
    long total;
    try {
      fs = Files.getFileStore(directory);
      total = fs.getTotalSpace();
    } catch (IOException e) {
      LOG.warn("Cannot find the file system of {}; the embedded store will not check its free space", directory, e);
      fs = null;
      total = Long.MAX_VALUE;
    }
    this.fileSystem = fs;
    this.minFreeBytes = Math.min(minFreeBytes, total / 4);
    this.readyBytes = this.minFreeBytes + Math.max(MIB, this.minFreeBytes / 16);
    this.last = new Measurement(Long.MAX_VALUE, System.nanoTime() - MEASURE_PERIOD_NANOS - 1);
  }

  /** The free space kept, in bytes: the setting, capped at a quarter of the file system. */
  long minFreeBytes() {
    return minFreeBytes;
  }

  boolean enabled() {
    return minFreeBytes > 0 && fileSystem != null;
  }

  /**
   * Admits an append of about {@code bytes} bytes, or refuses it.
   *
   * @throws StoreFullException when the free space would fall below the minimum
   */
  void admit(long bytes) {
    if (!enabled()) {
      return;
    }
    long cost = bytes * WRITE_AMPLIFICATION;
    long spentNow = spent.addAndGet(cost);
    Measurement m = last;
    long now = System.nanoTime();
    if (now - m.atNanos > MEASURE_PERIOD_NANOS || m.freeBytes - spentNow < minFreeBytes) {
      Measurement fresh = measure(now, false);
      if (fresh != m) { // the measurement started the count again
        m = fresh;
        spentNow = spent.addAndGet(cost);
      }
    }
    if (m.freeBytes - spentNow < minFreeBytes) {
      spent.addAndGet(-cost);
      throw new StoreFullException(describe(m.freeBytes - spentNow + cost));
    }
  }

  /** What this process may still write on the file system (statvfs), or {@code Long.MAX_VALUE} when unknown. */
  long usableOnFileSystem() {
    try {
      return fileSystem == null ? Long.MAX_VALUE : fileSystem.getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Measures now; for the store's start and its maintenance thread. */
  void refresh() {
    if (enabled()) {
      measure(System.nanoTime(), true);
    }
  }

  /**
   * Why the store is short of space, when the last measurement less what was appended since is below the
   * minimum plus a margin (1/16 of it, at least 1 MiB); never blocks.
   */
  Optional<String> shortage() {
    if (!enabled()) {
      return Optional.empty();
    }
    long free = last.freeBytes - spent.get();
    return free < readyBytes ? Optional.of(describe(free)) : Optional.empty();
  }

  private synchronized Measurement measure(long now, boolean force) {
    Measurement m = last;
    if (!force && now - m.atNanos < MIN_MEASURE_INTERVAL_NANOS) {
      return m;
    }
    long free;
    try {
      free = fileSystem.getUsableSpace() + Math.max(0, reusableInFile.getAsLong());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot measure the free space of {}: {}", directory, e.toString());
      free = Long.MAX_VALUE; // an unknown is not a full disk
    }
    spent.set(0);
    m = new Measurement(free, System.nanoTime());
    last = m;
    boolean nowShort = free < readyBytes;
    if (nowShort != wasShort) {
      wasShort = nowShort;
      if (nowShort) {
        LOG.error("{}", describe(free));
      } else {
        LOG.warn("The embedded store in {} has {} free again (at least {} kept): it is ready", directory,
            mib(free), mib(minFreeBytes));
      }
    }
    return m;
  }

  private String describe(long freeBytes) {
    return "disk full: the embedded store in " + directory + " has " + mib(Math.max(0, freeBytes))
        + " free (usable on its file system plus reusable in its file) and keeps at least " + mib(minFreeBytes)
        + " for takes and removals; adds are refused until space is freed (removing messages frees space"
        + " inside the store's file)";
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }
}
