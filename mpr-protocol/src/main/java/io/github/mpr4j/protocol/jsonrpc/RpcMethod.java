package io.github.mpr4j.protocol.jsonrpc;

import java.util.HashMap;
import java.util.Map;

/** The methods of the MPR API, by their wire names. */
public enum RpcMethod {
  ADD_MESSAGE("addMessage"),
  TAKE_FROM_QUEUE("takeFromQueue"),
  REMOVE_MESSAGES("removeMessages"),
  REMOVE_ALL_MESSAGES("removeAllMessages"),
  GET_AVAILABLE_MESSAGE_COUNT("getAvailableMessageCount"),
  ADD_LIVE_SESSION("addLiveSession"),
  REMOVE_LIVE_SESSION("removeLiveSession"),
  GET_LIVE_SESSION("getLiveSession"),
  PING("ping"),
  RPC_ON("rpc.on"),
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

  /** The method's name on the wire. */
  public String wireName() {
    return wireName;
  }

  /** The method with this wire name, or {@code null}. */
  public static RpcMethod byWireName(String name) {
    return BY_NAME.get(name);
  }
}
