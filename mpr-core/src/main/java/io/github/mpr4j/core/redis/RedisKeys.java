package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.callback.CallbackRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Key and channel names. Every key of a connection carries the connection id as its hash tag, {@code
 * prefix:{connectionId}:suffix}, so that all of them live in one slot of a Redis Cluster. Braces and
 * percent signs in connection ids are percent-encoded, so that no id can end its tag early or forge the
 * keys of another connection.
 */
final class RedisKeys {
  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  /** The seven keys of a connection, in the order the queue script expects them. */
  List<byte[]> connection(String connectionId) {
    String base = prefix + ":{" + escape(connectionId) + "}:";
    return List.of(bytes(base + "m"), bytes(base + "p"), bytes(base + "s"), bytes(base + "n"),
        bytes(base + "live"), bytes(base + "l"), bytes(base + "t"));
  }

  /** The tiering index: connection ids by the time their oldest message is due to move. */
  List<byte[]> tierIndex() {
    return List.of(bytes(prefix + ":{tier}:due"));
  }

  /** The tiering lease and its fence counter (one slot). */
  List<byte[]> tierLease() {
    return List.of(bytes(prefix + ":{tier}:lease"), bytes(prefix + ":{tier}:fence"));
  }

  /**
   * The registration key of a callback client. It carries the hash tag of the client's connection ({@link
   * CallbackRegistry#connectionId}), so that one script can check the registration and append to the
   * queue, in one slot of a cluster.
   */
  String registration(String clientId) {
    return prefix + ":{" + escape(CallbackRegistry.connectionId(clientId)) + "}:registration";
  }

  /** The hash of a callback registration's attributes, in the slot of its registration key. */
  String registrationAttributes(String clientId) {
    return prefix + ":{" + escape(CallbackRegistry.connectionId(clientId)) + "}:attributes";
  }

  /** The sorted set of the registrations bound to a user (scored by the time of binding), in its own slot. */
  String callbackUser(String userId) {
    return prefix + ":callback-user:{" + escape(userId) + "}";
  }

  /** The seven keys of a client's connection and, eighth, its registration key. */
  List<byte[]> callbackConnection(String clientId) {
    List<byte[]> all = new ArrayList<>(connection(CallbackRegistry.connectionId(clientId)));
    all.add(bytes(registration(clientId)));
    return all;
  }

  /** The heartbeat key of an instance. */
  String instance(String instanceId) {
    return prefix + ":instance:" + instanceId;
  }

  /** The delivery channel of an instance. */
  byte[] channel(String instanceId) {
    return bytes(prefix + ":bus:{" + escape(instanceId) + "}");
  }

  static String escape(String id) {
    if (id.indexOf('{') < 0 && id.indexOf('}') < 0 && id.indexOf('%') < 0) {
      return id;
    }
    StringBuilder sb = new StringBuilder(id.length() + 8);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      switch (c) {
        case '{' -> sb.append("%7B");
        case '}' -> sb.append("%7D");
        case '%' -> sb.append("%25");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
