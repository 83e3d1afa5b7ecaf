package io.github.mpr4j.server;

import static io.github.mpr4j.server.ServerConfig.MPR_INSTANCE_TTL_MS;
import static io.github.mpr4j.server.ServerConfig.MPR_REDIS_KEY_PREFIX;
import static io.github.mpr4j.server.ServerConfig.MPR_REDIS_POOL_SIZE;
import static io.github.mpr4j.server.ServerConfig.MPR_REDIS_TIMEOUT_MS;
import static io.github.mpr4j.server.ServerConfig.REDIS_NATMAP;
import static io.github.mpr4j.server.ServerConfig.REDIS_NODES;
import static io.github.mpr4j.server.ServerConfig.REDIS_TYPE;
import static io.github.mpr4j.server.ServerConfig.REDIS_URL;

import io.github.mpr4j.core.redis.RedisSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the Redis settings: {@code REDIS_TYPE}, {@code REDIS_URL}, {@code REDIS_NODES}, {@code REDIS_NATMAP}, {@code MPR_REDIS_*}. */
final class RedisConfigReader {
  private RedisConfigReader() {}

  /** The Redis settings, or null when neither REDIS_URL nor REDIS_NODES is set. */
  static RedisSettings read(Env e) {
    String type = e.get(REDIS_TYPE);
    String url = e.get(REDIS_URL);
    String nodes = e.get(REDIS_NODES);
    boolean cluster;
    if (type == null) {
      if (url == null && nodes == null) {
        return null;
      }
      cluster = url == null;
    } else {
      switch (type.toLowerCase(Locale.ROOT)) {
        case "single":
          cluster = false;
          break;
        case "cluster":
          cluster = true;
          break;
        default:
          throw new ConfigurationException(REDIS_TYPE, "must be single or cluster, not '" + type + "'");
      }
    }
    RedisSettings settings;
    if (cluster) {
      if (nodes == null) {
        throw new ConfigurationException(REDIS_NODES, "must list the cluster's nodes as host:port,host:port when "
            + REDIS_TYPE + " is cluster");
      }
      List<String> list = new ArrayList<>();
      for (String n : nodes.split(",")) {
        if (!n.isBlank()) {
          list.add(n.strip());
        }
      }
      Map<String, String> natMap = natMap(e);
      try {
        settings = RedisSettings.cluster(list).withNatMap(natMap);
      } catch (IllegalArgumentException ex) {
        throw new ConfigurationException(REDIS_NODES, ex.getMessage());
      }
    } else {
      if (url == null) {
        throw new ConfigurationException(REDIS_URL, "must be set (redis://host:port) when " + REDIS_TYPE
            + " is single");
      }
      try {
        settings = RedisSettings.single(URI.create(url));
      } catch (IllegalArgumentException ex) {
        // never echo the URL: it may hold a password
        throw new ConfigurationException(REDIS_URL, "must be a URL like redis://[user:password@]host:port[/db]");
      }
    }
    try {
      return settings
          .withTimeout(Duration.ofMillis(e.integer(MPR_REDIS_TIMEOUT_MS, 2_000, 1)))
          .withPoolSize(e.integer(MPR_REDIS_POOL_SIZE, RedisSettings.DEFAULT_POOL_SIZE, 1))
          .withKeyPrefix(e.get(MPR_REDIS_KEY_PREFIX, RedisSettings.DEFAULT_KEY_PREFIX))
          .withInstanceTtl(Duration.ofMillis(e.integer(MPR_INSTANCE_TTL_MS, 10_000, 300)));
    } catch (IllegalArgumentException ex) {
      throw new ConfigurationException(MPR_REDIS_KEY_PREFIX, ex.getMessage());
    }
  }

  /**
   * REDIS_NATMAP as the TypeScript server reads it: {@code externalHost:externalPort:internalHost:internalPort}
   * entries, comma-separated; a node that announces the internal address is reached at the external one.
   */
  private static Map<String, String> natMap(Env e) {
    String v = e.get(REDIS_NATMAP);
    if (v == null) {
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : v.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.strip().split(":");
      if (parts.length != 4) {
        throw new ConfigurationException(REDIS_NATMAP, "entries are externalHost:externalPort:internalHost:"
            + "internalPort, not '" + entry.strip() + "'");
      }
      map.put(parts[2] + ":" + parts[3], parts[0] + ":" + parts[1]);
    }
    try {
      RedisSettings.cluster(List.of("check:1")).withNatMap(map);
    } catch (IllegalArgumentException ex) {
      throw new ConfigurationException(REDIS_NATMAP, ex.getMessage());
    }
    return map;
  }
}
