package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Real {@code redis-server} processes for tests, on free loopback ports, in temporary directories: one
 * shared single node and one shared 3-master Redis Cluster per test JVM (started on first use, stopped
 * when the JVM exits), and private nodes for tests that stop or kill Redis. Needs {@code redis-server} on
 * the PATH; the README's test command installs it.
 */
public final class RedisServers {
  private static Node shared;
  private static Cluster sharedCluster;

  private RedisServers() {}

  /** The shared single node, flushed. */
  public static synchronized Node single() {
    if (shared == null || !shared.isRunning()) {
      shared = Node.start(false, List.of());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    shared.flushAll();
    return shared;
  }

  /** The shared 3-master cluster, flushed. */
  public static synchronized Cluster cluster() {
    if (sharedCluster == null) {
      sharedCluster = Cluster.start();
      Runtime.getRuntime().addShutdownHook(new Thread(sharedCluster::close));
    }
    sharedCluster.flushAll();
    return sharedCluster;
  }

  /**
   * A private single node that writes every command to its append-only file before answering (so a
   * {@code kill -9} loses nothing answered); close it when done.
   */
  public static Node durableSingle() {
    return Node.start(false, List.of("--appendonly", "yes", "--appendfsync", "always"));
  }

  static String redisServer() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
      return "/usr/bin/redis-server";
    }
    throw new IllegalStateException("redis-server is not on the PATH: the Redis tests start their own; install it"
        + " (Debian: apt-get install redis-server) or run the README's test command, which does");
  }

  /** One redis-server process. */
  public static final class Node implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    private Node(int port, Path dir, List<String> args) {
      this.port = port;
      this.dir = dir;
      this.args = args;
    }

    static Node start(boolean cluster, List<String> extra) {
      try {
        Path dir = Files.createTempDirectory("redis-test-");
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(),
            "--daemonize", "no", "--loglevel", "warning", "--logfile", dir.resolve("redis.log").toString()));
        if (cluster) {
          args.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", "2000"));
        }
        if (!extra.contains("--appendonly")) {
          args.addAll(List.of("--appendonly", "no"));
        }
        args.addAll(extra);
        Node node = new Node(freePort(), dir, args);
        node.launch();
        return node;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void launch() {
      List<String> command = new ArrayList<>();
      command.add(redisServer());
      command.add("--port");
      command.add(Integer.toString(port));
      command.addAll(args);
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile()).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (true) {
        try (Jedis j = jedis()) {
          if ("PONG".equals(j.ping())) {
            return;
          }
        } catch (RuntimeException e) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("redis-server did not start on port " + port + ": " + log(), e);
          }
        }
        sleep(20);
      }
    }

    private String log() {
      try {
        return Files.readString(dir.resolve("redis.log")) + Files.readString(dir.resolve("stdout.log"));
      } catch (IOException e) {
        return "(no log)";
      }
    }

    public int port() {
      return port;
    }

    public String hostPort() {
      return "127.0.0.1:" + port;
    }

    public URI uri() {
      return URI.create("redis://127.0.0.1:" + port);
    }

    /** A plain connection for test assertions; close it. */
    public Jedis jedis() {
      return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
          .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).serverDefaultProtocol().build());
    }

    boolean isRunning() {
      return process != null && process.isAlive();
    }

    public void flushAll() {
      try (Jedis j = jedis()) {
        j.flushAll();
        j.scriptFlush();
      }
    }

    /** Kills the process at once (SIGKILL), as a crash does. */
    public void kill() {
      process.destroyForcibly();
      waitFor();
    }

    /** Starts the process again on the same port and directory (an append-only file is replayed). */
    public void restart() {
      if (isRunning()) {
        kill();
      }
      launch();
    }

    private void waitFor() {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      if (process != null) {
        process.destroyForcibly();
        waitFor();
      }
      deleteTree(dir);
    }
  }

  /** A Redis Cluster of three masters (no replicas), the slots split evenly. */
  public static final class Cluster implements AutoCloseable {
    private final List<Node> nodes;

    private Cluster(List<Node> nodes) {
      this.nodes = nodes;
    }

    static Cluster start() {
      List<Node> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(Node.start(true, List.of()));
        }
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int i = 0; i < 3; i++) {
          try (Jedis j = nodes.get(i).jedis()) {
            j.sendCommand(Protocol.Command.CLUSTER, "ADDSLOTSRANGE", Integer.toString(ranges[i][0]),
                Integer.toString(ranges[i][1]));
          }
        }
        try (Jedis first = nodes.get(0).jedis()) {
          for (int i = 1; i < 3; i++) {
            first.clusterMeet("127.0.0.1", nodes.get(i).port());
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Node n : nodes) {
          while (true) {
            try (Jedis j = n.jedis()) {
              String info = j.clusterInfo();
              if (info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
                  && info.contains("cluster_slots_assigned:16384")) {
                break;
              }
            }
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("the test cluster did not become ready");
            }
            sleep(50);
          }
        }
        return new Cluster(nodes);
      } catch (RuntimeException e) {
        nodes.forEach(Node::close);
        throw e;
      }
    }

    /** {@code host:port} of every master. */
    public List<String> nodes() {
      return nodes.stream().map(Node::hostPort).toList();
    }

    public List<Node> masters() {
      return nodes;
    }

    public void flushAll() {
      nodes.forEach(Node::flushAll);
    }

    @Override
    public void close() {
      nodes.forEach(Node::close);
    }
  }

  /** A free loopback port whose cluster bus port (+10000) is free too. */
  static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      if (free(port) && free(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair found");
  }

  private static boolean free(int port) {
    return LoopbackPorts.isFree(port);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
