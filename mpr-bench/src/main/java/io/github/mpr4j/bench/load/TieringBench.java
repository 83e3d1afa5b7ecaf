package io.github.mpr4j.bench.load;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.tiering.TieredStores;
import io.github.mpr4j.core.tiering.TieringSettings;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The tiered store's costs, at the core's API (no server, no WebSocket): addMessage throughput on Redis
 * alone, tiered, and tiered with write-through; the mover's throughput (messages moved per second) with
 * {@code --messages} queued over {@code --connections}; and the cost of takes that span both tiers against
 * takes on Redis alone. Needs a Redis (flushed before each phase: use a throwaway one); without
 * {@code --mongo} it starts an in-process mongo-java-server, which is far slower than a real MongoDB and
 * serves one command at a time, so its figures are a floor. docs/benchmarks.md has the command.
 *
 * <p>Usage: {@code TieringBench --redis redis://127.0.0.1:13379 [--mongo mongodb://...] [--messages 100000]
 * [--connections 1000] [--adds 20000] [--in-flight 64] [--reads 100]} ({@code --reads}: connections whose
 * queue is read, of the {@code --connections})
 */
public final class TieringBench {
  private TieringBench() {}

  public static void main(String[] args) throws Exception {
    String redisUri = null;
    String mongoUri = null;
    int messages = 100_000;
    int connections = 1_000;
    int adds = 20_000;
    int inFlight = 64;
    int reads = 100;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--redis" -> redisUri = args[i + 1];
        case "--mongo" -> mongoUri = args[i + 1];
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--adds" -> adds = Integer.parseInt(args[i + 1]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
        case "--reads" -> reads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (redisUri == null) {
      throw new IllegalArgumentException("--redis redis://host:port is required (a throwaway Redis: it is flushed)");
    }
    MongoServer inProcess = null;
    if (mongoUri == null) {
      inProcess = new MongoServer(new MemoryBackend());
      inProcess.bind(new InetSocketAddress("127.0.0.1", 0), 1, 1);
      mongoUri = "mongodb://127.0.0.1:" + inProcess.getLocalAddress().getPort();
      System.out.println("MongoDB: in-process mongo-java-server (memory backend) on " + mongoUri);
    }
    try {
      RedisSettings redis = RedisSettings.single(URI.create(redisUri));
      // a long timeout: the in-process server scans its collection for some operations and can be slow
      MongoSettings mongo = MongoSettings.of(mongoUri).withDatabase("bench" + System.currentTimeMillis())
          .withTimeout(Duration.ofSeconds(60));
      System.out.printf("addMessage, %d messages, %d in flight, 1 KiB payloads over %d connections%n", adds,
          inFlight, connections);
      addThroughput("redis", redis, null, adds, inFlight, connections);
      addThroughput("tiered", redis, TieringSettings.of(mongo.withCollectionPrefix("a_")), adds, inFlight,
          connections);
      addThroughput("tiered + write-through", redis, TieringSettings.of(mongo.withCollectionPrefix("b_"))
          .withWriteThrough(true), adds, inFlight, connections);
      moveAndRead(redis, mongo.withCollectionPrefix("c_"), messages, connections, inFlight,
          Math.min(reads, connections));
    } finally {
      if (inProcess != null) {
        inProcess.shutdownNow();
      }
    }
  }

  private static void flush(RedisSettings redis) {
    try (Jedis j = new Jedis(redis.uri())) {
      j.flushAll();
    }
  }

  private static Backend open(RedisBackend backend, TieringSettings tiering) {
    return tiering == null ? backend : TieredStores.connect(backend, tiering);
  }

  private static void addThroughput(String name, RedisSettings redis, TieringSettings tiering, int adds, int inFlight,
      int connections) throws InterruptedException {
    flush(redis);
    RedisBackend backend = RedisBackend.connect(redis);
    // the mover stays out of the way: the threshold is far above the run
    TieringSettings idle = tiering == null ? null : tiering.withThreshold(Duration.ofHours(1));
    try (PickupQueue queue = PickupQueue.builder().backend(open(backend, idle)).build()) {
      MessagePickupRepository repository = queue.openRepository();
      run(repository, adds / 5, inFlight, connections, "warm-up-"); // warm-up
      long start = System.nanoTime();
      run(repository, adds, inFlight, connections, "m-");
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("  %-24s %8.0f addMessage/s%n", name, adds / seconds);
    }
  }

  private static void run(MessagePickupRepository repository, int n, int inFlight, int connections, String prefix)
      throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    EncryptedMessage payload = EncryptedMessage.ofJson(BenchPayloads.jwe1k());
    List<CompletableFuture<String>> last = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      CompletableFuture<String> f = repository.addMessage(AddMessageOptions.of(prefix + (i % connections),
          List.of("did:key:bench"), payload));
      f.whenComplete((id, e) -> permits.release());
      if (i >= n - inFlight) {
        last.add(f);
      }
    }
    if (!permits.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("adds did not finish within 60 s");
    }
    last.forEach(CompletableFuture::join);
  }

  private static void moveAndRead(RedisSettings redis, MongoSettings mongo, int messages, int connections,
      int inFlight, int reads) throws InterruptedException {
    flush(redis);
    System.out.printf("tiering: %d messages over %d connections%n", messages, connections);
    RedisBackend backend = RedisBackend.connect(redis);
    TieringSettings idle = TieringSettings.of(mongo).withThreshold(Duration.ofHours(1));
    try (PickupQueue queue = PickupQueue.builder().backend(open(backend, idle)).build()) {
      run(queue.openRepository(), messages, inFlight, connections, "t-");
    }
    // a mover with a threshold of zero moves them all; the time until Redis holds none is the move
    RedisBackend backend2 = RedisBackend.connect(redis);
    TieringSettings eager = TieringSettings.of(mongo).withThreshold(Duration.ZERO)
        .withLeaseTtl(Duration.ofSeconds(30)).withMoveInterval(Duration.ofMillis(10));
    long start = System.nanoTime();
    Backend store = TieredStores.connect(backend2, eager);
    long deadline = start + TimeUnit.MINUTES.toNanos(30);
    long hot;
    while ((hot = hotMessages(redis, connections)) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not moved within 30 minutes: " + hot + " left");
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  moved %d messages in %.1f s: %.0f messages/s%n", messages, seconds, messages / seconds);
    store.close();

    // reads: a take of 20 (without delete) from connections whose queue is in MongoDB, then after 20 more
    // are added to each: the take spans both tiers; against the same on Redis alone
    RedisBackend backend3 = RedisBackend.connect(redis);
    Backend tiered = TieredStores.connect(backend3, TieringSettings.of(mongo).withThreshold(Duration.ofHours(1)));
    EncryptedMessage payload = EncryptedMessage.ofJson(BenchPayloads.jwe1k());
    long now = System.currentTimeMillis();
    appendEach(tiered, reads, 20, "t-", "h-", payload, now);
    timeTakes("take 20, cold + hot (first take per connection)", tiered, reads, "t-", now);
    timeTakes("take 20, cold + hot (second take)", tiered, reads, "t-", now);
    timeCounts("count, cold + hot", tiered, reads, "t-", now);
    tiered.close();
    backend3.close();
    flush(redis);
    RedisBackend backend4 = RedisBackend.connect(redis);
    Backend redisOnly = backend4;
    appendEach(redisOnly, reads, 120, "r-", "r-", payload, now);
    timeTakes("take 20, Redis alone", redisOnly, reads, "r-", now);
    timeCounts("count, Redis alone", redisOnly, reads, "r-", now);
    redisOnly.close();
    backend4.close();
    backend2.close();
  }

  /** Appends {@code perConnection} messages (ids idPrefix + c + "-" + i) to each of {@code connections} connections. */
  private static void appendEach(Backend store, int connections, int perConnection, String connectionPrefix,
      String idPrefix, EncryptedMessage payload, long now) {
    for (int c = 0; c < connections; c++) {
      for (int i = 0; i < perConnection; i++) {
        store.append(new StoredMessage(idPrefix + c + "-" + i, connectionPrefix + c, List.of("did:key:bench"), now,
            payload, 0), 0).join();
      }
    }
  }

  private static void timeTakes(String name, Backend store, int connections, String prefix, long now) {
    long start = System.nanoTime();
    int got = 0;
    for (int c = 0; c < connections; c++) {
      got += store.take(new TakeRequest(prefix + c, null, 20, Long.MAX_VALUE, false, now, now + 600_000)).join().size();
    }
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf("  %-48s %6.2f ms per take (one at a time, %d takes, %d messages)%n", name,
        ms / connections, connections, got);
  }

  private static void timeCounts(String name, Backend store, int connections, String prefix, long now) {
    long start = System.nanoTime();
    long total = 0;
    for (int c = 0; c < connections; c++) {
      total += store.count(prefix + c, null, now).join();
    }
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf("  %-48s %6.2f ms per count (%d counts, %d pending in all)%n", name, ms / connections,
        connections, total);
  }

  private static long hotMessages(RedisSettings redis, int connections) {
    try (Jedis j = new Jedis(redis.uri())) {
      Pipeline p = j.pipelined();
      List<Response<Long>> lens = new ArrayList<>(connections);
      for (int c = 0; c < connections; c++) {
        lens.add(p.hlen("mpr:{t-" + c + "}:m"));
      }
      p.sync();
      return lens.stream().mapToLong(Response::get).sum();
    }
  }
}
