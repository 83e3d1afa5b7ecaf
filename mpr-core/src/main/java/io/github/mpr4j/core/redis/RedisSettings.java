package io.github.mpr4j.core.redis;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach Redis and how the pickup queue uses it. Immutable; start from {@link #single(URI)} or
 * {@link #cluster(List)} and change settings with the {@code with...} methods.
 *
 * @param uri the node of a single-node deployment ({@code redis://[user:password@]host:port[/db]}, or
 *     {@code rediss://} for TLS); {@code null} for a cluster
 * @param clusterNodes some nodes of a Redis Cluster as {@code host:port}; empty for a single node
 * @param natMap addresses that cluster nodes announce ({@code host:port}) mapped to the addresses this
 *     process must use instead ({@code host:port}), for clusters behind NAT or in containers
 * @param timeout the bound on connecting, on one command, and on waiting for a pooled connection: a
 *     request made while Redis is unreachable fails within about this time
 * @param poolSize connections per Redis node (the most commands in flight to one node)
 * @param keyPrefix the first part of every key and channel name, so that several deployments can share
 *     one Redis
 * @param instanceTtl how long after an instance stops its heartbeat (it died without closing) other
 *     instances treat its live sessions as gone; it renews its heartbeat every third of this time
 */
public record RedisSettings(@Nullable URI uri, List<String> clusterNodes, Map<String, String> natMap, Duration timeout,
    int poolSize, String keyPrefix, Duration instanceTtl) {

  /** The default bound on one Redis command. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  /** The default connections per node. */
  public static final int DEFAULT_POOL_SIZE = 64;
  /** The default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "mpr";
  /** The default time after which a silent instance's live sessions are gone. */
  public static final Duration DEFAULT_INSTANCE_TTL = Duration.ofSeconds(10);

  public RedisSettings {
    clusterNodes = List.copyOf(clusterNodes);
    natMap = Map.copyOf(natMap);
    if ((uri == null) == clusterNodes.isEmpty()) {
      throw new IllegalArgumentException("give either the URI of a single node or the nodes of a cluster");
    }
    if (uri != null && !"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("a Redis URI starts with redis:// or rediss://, not " + uri);
    }
    for (String node : clusterNodes) {
      HostPort.parse(node);
    }
    natMap.forEach((from, to) -> {
      HostPort.parse(from);
      HostPort.parse(to);
    });
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1");
    }
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
      throw new IllegalArgumentException("keyPrefix must be non-empty and without braces");
    }
    Objects.requireNonNull(instanceTtl, "instanceTtl");
    if (instanceTtl.toMillis() < 300) {
      throw new IllegalArgumentException("instanceTtl must be at least 300 ms");
    }
  }

  /** A single Redis node, with default settings. */
  public static RedisSettings single(URI uri) {
    return new RedisSettings(Objects.requireNonNull(uri, "uri"), List.of(), Map.of(), DEFAULT_TIMEOUT,
        DEFAULT_POOL_SIZE, DEFAULT_KEY_PREFIX, DEFAULT_INSTANCE_TTL);
  }

  /** A Redis Cluster reached through some of its nodes ({@code host:port}), with default settings. */
  public static RedisSettings cluster(List<String> nodes) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one node");
    }
    return new RedisSettings(null, nodes, Map.of(), DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_KEY_PREFIX,
        DEFAULT_INSTANCE_TTL);
  }

  /**
   * How long the cluster client goes on sending a command again after a connection failure or a redirection
   * (twice the {@link #timeout()}); a single node's client never sends a command twice.
   */
  public Duration clusterRetryWindow() {
    return timeout.multipliedBy(2);
  }

  /**
   * How long the queue script remembers each appended message id, so that the same append run again (by the
   * cluster client's retry after a lost reply, whose last attempt may start at the end of the {@link
   * #clusterRetryWindow()} and run up to two timeouts later) changes nothing: four times the {@link
   * #timeout()}.
   */
  public Duration appendGuardWindow() {
    return clusterRetryWindow().plus(timeout.multipliedBy(2));
  }

  /** Whether this is a Redis Cluster. */
  public boolean isCluster() {
    return uri == null;
  }

  public RedisSettings withNatMap(Map<String, String> map) {
    return new RedisSettings(uri, clusterNodes, map, timeout, poolSize, keyPrefix, instanceTtl);
  }

  public RedisSettings withTimeout(Duration t) {
    return new RedisSettings(uri, clusterNodes, natMap, t, poolSize, keyPrefix, instanceTtl);
  }

  public RedisSettings withPoolSize(int size) {
    return new RedisSettings(uri, clusterNodes, natMap, timeout, size, keyPrefix, instanceTtl);
  }

  public RedisSettings withKeyPrefix(String prefix) {
    return new RedisSettings(uri, clusterNodes, natMap, timeout, poolSize, prefix, instanceTtl);
  }

  public RedisSettings withInstanceTtl(Duration ttl) {
    return new RedisSettings(uri, clusterNodes, natMap, timeout, poolSize, keyPrefix, ttl);
  }

  /** Where this connects, without credentials, for logs. */
  public String describe() {
    if (isCluster()) {
      return "redis-cluster" + clusterNodes + (natMap.isEmpty() ? "" : " natMap=" + natMap);
    }
    return "redis(" + uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort())
        + (uri.getPath() == null || uri.getPath().isEmpty() ? "" : uri.getPath()) + ")";
  }

  /** Never shows the password of the URI. */
  @Override
  public String toString() {
    return describe();
  }

  /** A {@code host:port} pair. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s == null ? -1 : s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("expected host:port, not " + s);
      }
      String host = s.substring(0, colon).trim();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1).trim());
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a port from 1 to 65535 in " + s);
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
