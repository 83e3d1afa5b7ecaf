package io.github.mpr4j.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The connection queue's Lua script, run with EVALSHA and loaded again (on the node that owns the
 * connection's slot) whenever Redis answers NOSCRIPT, for example after a restart.
 */
final class QueueScript {
  private final UnifiedJedis redis;
  private final byte[] source;
  private final byte[] sha;

  QueueScript(UnifiedJedis redis) {
    this.redis = redis;
    try (InputStream in = QueueScript.class.getResourceAsStream("queue.lua")) {
      if (in == null) {
        throw new IllegalStateException("queue.lua is missing from the class path");
      }
      this.source = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.sha = sha1Hex(source);
  }

  /** Runs one operation on the keys of one connection. */
  Object run(List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      redis.scriptLoad(source, keys.get(0));
      return redis.evalsha(sha, keys, args);
    }
  }

  private static byte[] sha1Hex(byte[] data) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(data);
      return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
