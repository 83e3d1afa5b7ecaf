package io.github.mpr4j.bench.jmh;

import io.github.mpr4j.bench.load.BenchPayloads;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Appends per second into each store from 32 threads (the server's workers), 1 KiB payloads. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(32)
public class StoreBenchmark {
  @Param({"memory", "embedded"})
  public String store;

  private QueueStore queueStore;
  private Path dir;
  private EncryptedMessage payload;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    payload = EncryptedMessage.ofJson(BenchPayloads.jwe1k());
    if (store.equals("embedded")) {
      dir = Files.createTempDirectory("mpr-jmh");
      queueStore = QueueStores.embedded(dir);
    } else {
      queueStore = QueueStores.inMemory();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    queueStore.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  public void append() {
    String connection = "conn-" + ThreadLocalRandom.current().nextInt(1000);
    queueStore.append(new StoredMessage(UUID.randomUUID().toString(), connection, List.of("did:key:r"),
        System.currentTimeMillis(), payload, 0));
  }
}
