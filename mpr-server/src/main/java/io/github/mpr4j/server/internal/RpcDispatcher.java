package io.github.mpr4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import io.github.mpr4j.protocol.jsonrpc.RpcRequest;
import io.github.mpr4j.server.AuthToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the methods of one socket on its repository: finds the method, admits the call (the socket's right
 * to call it, and a connectionId outside the reserved prefix), decodes and checks the params, and returns
 * the wire result. Never throws: every failure is a failed
 * future carrying an {@link MprRpcException}.
 */
final class RpcDispatcher {
  private final MessagePickupRepository repository;
  private final Set<AuthToken.Right> rights;
  private final int maxPayloadBytes;
  private final int maxTakeBytes;
  /** connectionIds starting with it are refused; empty: none are. */
  private final String reservedPrefix;
  private final Metrics metrics;
  /** Events the socket subscribed to with rpc.on (compat bookkeeping only: delivery does not depend on it). */
  private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

  RpcDispatcher(MessagePickupRepository repository, Set<AuthToken.Right> rights, RpcLimits limits, Metrics metrics) {
    this.repository = repository;
    this.rights = Set.copyOf(rights);
    this.maxPayloadBytes = limits.maxPayloadBytes();
    this.maxTakeBytes = limits.maxTakeBytes();
    this.reservedPrefix = limits.reservedConnectionPrefix();
    this.metrics = metrics;
  }

  /** The right a method needs, or {@code null} when it needs none. */
  static AuthToken.Right rightNeeded(RpcMethod method) {
    switch (method) {
      case ADD_MESSAGE:
        return AuthToken.Right.SEND;
      case PING:
      case RPC_ON:
      case RPC_OFF:
        return null;
      default:
        return AuthToken.Right.PICKUP;
    }
  }

  /**
   * Runs a request.
   *
   * @return its result: a value {@link JsonRpcCodec#success} can write ({@code null} included)
   */
  CompletableFuture<Object> dispatch(RpcRequest request) {
    try {
      return call(request);
    } catch (MprRpcException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Object> call(RpcRequest request) {
    RpcMethod method = RpcMethod.byWireName(request.method());
    if (method == null) {
      throw new MprRpcException(RpcErrors.METHOD_NOT_FOUND, "Method not found: " + request.method(), null);
    }
    JsonNode p = request.params();
    JsonNode connectionId = p == null ? null : p.get("connectionId");
    admit(method, connectionId != null && connectionId.isTextual() ? connectionId.asText() : null);
    switch (method) {
      case ADD_MESSAGE:
        return add(JsonRpcCodec.addMessage(p));
      case TAKE_FROM_QUEUE:
        return widen(repository.takeFromQueue(capped(JsonRpcCodec.takeFromQueue(p))));
      case REMOVE_MESSAGES:
        return done(repository.removeMessages(JsonRpcCodec.removeMessages(p)));
      case REMOVE_ALL_MESSAGES:
        return done(repository.removeAllMessages(JsonRpcCodec.removeAllMessages(p)));
      case GET_AVAILABLE_MESSAGE_COUNT:
        return widen(repository.getAvailableMessageCount(JsonRpcCodec.getAvailableMessageCount(p)));
      case ADD_LIVE_SESSION:
        return done(repository.addLiveSession(JsonRpcCodec.addLiveSession(p)));
      case REMOVE_LIVE_SESSION:
        return widen(repository.removeLiveSession(JsonRpcCodec.removeLiveSession(p)));
      case GET_LIVE_SESSION:
        return widen(repository.getLiveSession(JsonRpcCodec.getLiveSession(p)));
      case PING:
        return CompletableFuture.completedFuture("pong");
      case RPC_ON:
        return CompletableFuture.completedFuture(subscribe(JsonRpcCodec.eventNames(p)));
      case RPC_OFF:
        return CompletableFuture.completedFuture(unsubscribe(JsonRpcCodec.eventNames(p)));
      default:
        throw new MprRpcException(RpcErrors.METHOD_NOT_FOUND, "Method not found: " + request.method(), null);
    }
  }

  /** A take whose limitBytes is at most the server's {@code maxTakeBytes}, so that its answer stays bounded. */
  private TakeFromQueueOptions capped(TakeFromQueueOptions o) {
    if (o.limitBytes() != null && o.limitBytes() <= maxTakeBytes) {
      return o;
    }
    return new TakeFromQueueOptions(o.connectionId(), o.recipientDid(), o.limit(), maxTakeBytes, o.deleteMessages());
  }

  /** The result of addMessage, which {@link JsonRpcCodec#messageAdded} writes. */
  record MessageAdded(String messageId) {}

  /** Runs an addMessage request whose params are decoded already. */
  CompletableFuture<Object> addMessage(AddMessageOptions options) {
    try {
      admit(RpcMethod.ADD_MESSAGE, options.connectionId());
      return add(options);
    } catch (MprRpcException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The one check of every call before its params are decoded: the socket's token must grant the method's
   * right, and the connectionId (when the params name one as a string) must not start with the reserved
   * prefix, which the callback gateway's queues use.
   */
  private void admit(RpcMethod method, String connectionId) {
    AuthToken.Right needed = rightNeeded(method);
    if (needed != null && !rights.contains(needed)) {
      throw new MprRpcException(RpcErrors.UNAUTHORIZED, "Unauthorized: " + method.wireName() + " needs the "
          + needed.name().toLowerCase(java.util.Locale.ROOT) + " right, which this socket's token lacks", null);
    }
    if (connectionId != null && !reservedPrefix.isEmpty() && connectionId.startsWith(reservedPrefix)) {
      throw new MprRpcException(RpcErrors.INVALID_PARAMS, "Invalid params: connectionId must not start with '"
          + reservedPrefix + "', which is reserved for the callback gateway", null);
    }
  }

  private CompletableFuture<Object> add(AddMessageOptions options) {
    int size = options.payload().byteSize();
    if (size > maxPayloadBytes) {
      throw new MprRpcException(RpcErrors.PAYLOAD_TOO_LARGE, "Payload too large: " + size + " bytes, the limit is "
          + maxPayloadBytes, Map.of("limit", maxPayloadBytes));
    }
    return repository.addMessage(options).thenApply(id -> {
      metrics.messageAdded();
      return new MessageAdded(id);
    });
  }

  private Map<String, Object> subscribe(List<String> events) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String e : events) {
      if (RpcMethod.MESSAGES_RECEIVED.equals(e)) {
        subscriptions.add(e);
        result.put(e, "ok");
      } else {
        result.put(e, "provided event invalid");
      }
    }
    return result;
  }

  private Map<String, Object> unsubscribe(List<String> events) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String e : events) {
      if (!RpcMethod.MESSAGES_RECEIVED.equals(e)) {
        result.put(e, "provided event invalid");
      } else {
        result.put(e, subscriptions.remove(e) ? "ok" : "not subscribed");
      }
    }
    return result;
  }

  private static CompletableFuture<Object> done(CompletableFuture<Void> f) {
    return f.thenApply(v -> Boolean.TRUE);
  }

  private static CompletableFuture<Object> widen(CompletableFuture<?> f) {
    return f.thenApply(v -> v);
  }
}
