package io.github.mpr4j.protocol.jsonrpc;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The methods of the MPR API, by their wire names. */
public enum RpcMethod {
  /** {@code addMessage}: append a message to a connection's queue. */
  ADD_MESSAGE("addMessage"),
  /** {@code takeFromQueue}: take pending messages, oldest first. */
  TAKE_FROM_QUEUE("takeFromQueue"),
  /** {@code removeMessages}: remove messages by id. */
  REMOVE_MESSAGES("removeMessages"),
  /** {@code removeAllMessages}: remove every message of a connection for one recipient. */
  REMOVE_ALL_MESSAGES("removeAllMessages"),
  /** {@code getAvailableMessageCount}: count pending messages. */
  GET_AVAILABLE_MESSAGE_COUNT("getAvailableMessageCount"),
  /** {@code addLiveSession}: become the holder of a connection's live session. */
  ADD_LIVE_SESSION("addLiveSession"),
  /** {@code removeLiveSession}: end a connection's live session. */
  REMOVE_LIVE_SESSION("removeLiveSession"),
  /** {@code getLiveSession}: whether a connection has a live session on any instance. */
  GET_LIVE_SESSION("getLiveSession"),
  /** {@code ping}: answered {@code "pong"}. */
  PING("ping"),
  /** {@code rpc.on}: subscribe the socket to events (messagesReceived). */
  RPC_ON("rpc.on"),
  /** {@code rpc.off}: unsubscribe the socket from events. */
  RPC_OFF("rpc.off");

  /** The name of the server-to-client notification that carries live messages. */
  public static final String MESSAGES_RECEIVED = "messagesReceived";

  private static final Map<String, RpcMethod> BY_NAME = new HashMap<>();

  static {
    for (RpcMethod m : values()) {
      BY_NAME.put(m.wireName, m);
    }
  }

  private final String wireName;

  RpcMethod(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The method's name on the wire.
   *
   * @return the name as JSON-RPC requests carry it, for example {@code "addMessage"}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The method with this wire name.
   *
   * @param name a request's method member
   * @return the method, or {@code null} when no method has that name
   */
  public static @Nullable RpcMethod byWireName(String name) {
    return BY_NAME.get(name);
  }
}
