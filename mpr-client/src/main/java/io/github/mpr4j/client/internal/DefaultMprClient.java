package io.github.mpr4j.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.client.ConnectionInfo;
import io.github.mpr4j.client.ConnectionStateListener;
import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.BlockingPickupRepository;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcRequests;
import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The client's API: each method turns its options into a call (params written by the protocol module's
 * {@link JsonRpcRequests}, a decoder of the answer) and hands it to the {@link Connection}, which sends it
 * through its {@link CallTable}; the listeners run on the callback executor.
 */
public final class DefaultMprClient implements MprClient {
  private static final System.Logger LOG = System.getLogger(DefaultMprClient.class.getName());
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final java.time.Duration SYNC_MARGIN = java.time.Duration.ofSeconds(5);

  private final ClientSettings settings;
  private final Connection connection;
  private final ExecutorService ownCallbackThread;
  private final Executor callbacks;
  private final CopyOnWriteArrayList<MessagesReceivedListener> listeners = new CopyOnWriteArrayList<>();

  private DefaultMprClient(ClientSettings settings) {
    this.settings = settings;
    int n = CLIENTS.incrementAndGet();
    Completions completions = Completions.on(settings.completionExecutor(), n);
    this.connection = new Connection(settings, n, completions, new Connection.Events() {
      @Override
      public void messagesReceived(String connectionId, List<QueuedMessage> messages) {
        deliver(connectionId, messages);
      }

      @Override
      public void stateChanged(Consumer<ConnectionStateListener> event) {
        notifyState(event);
      }

      @Override
      public void closed() {
        completions.shutdown();
        if (ownCallbackThread != null) {
          ownCallbackThread.shutdown();
        }
      }
    });
    if (settings.callbackExecutor() == null) {
      ownCallbackThread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("mpr-client-" + n + "-callbacks", true));
      callbacks = ownCallbackThread;
    } else {
      ownCallbackThread = null;
      callbacks = new SerialExecutor(settings.callbackExecutor());
    }
  }

  /** Starts a client with checked settings; it connects in the background. */
  public static DefaultMprClient start(ClientSettings settings) {
    DefaultMprClient c = new DefaultMprClient(settings);
    c.connection.start();
    return c;
  }

  // ================================================================ public API

  @Override
  public URI uri() {
    return settings.uri();
  }

  @Override
  public boolean isConnected() {
    return connection.isConnected();
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (connection.isClosed()) {
      f.completeExceptionally(connection.closedException());
      return f;
    }
    connection.whenConnected(f);
    return f;
  }

  @Override
  public CompletableFuture<Void> ping() {
    return call(RpcMethod.PING, null, r -> {
      if (!"pong".equals(r.textValue())) {
        throw new IllegalArgumentException("ping was answered " + r);
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<String> addMessage(AddMessageOptions options) {
    if (options == null) {
      return missing("addMessage");
    }
    return withConnectionInfo(options.connectionId(), info -> {
      AddMessageOptions o = options;
      if (o.pushNotificationToken() == null && info != null && info.pushNotificationToken() != null) {
        o = o.withPushNotificationToken(info.pushNotificationToken());
      }
      return call(RpcMethod.ADD_MESSAGE, JsonRpcRequests.addMessage(o), DefaultMprClient::messageId);
    });
  }

  private static String messageId(JsonNode result) {
    JsonNode id = result.get("messageId");
    if (id == null || !id.isTextual()) {
      throw new IllegalArgumentException("addMessage was answered without a messageId: " + result);
    }
    return id.textValue();
  }

  @Override
  public CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions options) {
    if (options == null) {
      return missing("takeFromQueue");
    }
    return withConnectionInfo(options.connectionId(), info -> {
      TakeFromQueueOptions o = options;
      if (o.limitBytes() == null && info != null && info.maxReceiveBytes() != null) {
        o = new TakeFromQueueOptions(o.connectionId(), o.recipientDid(), o.limit(), info.maxReceiveBytes(),
            o.deleteMessages());
      }
      return call(RpcMethod.TAKE_FROM_QUEUE, JsonRpcRequests.takeFromQueue(o), JsonRpcCodec::queuedMessages);
    });
  }

  @Override
  public CompletableFuture<Void> removeMessages(RemoveMessagesOptions options) {
    if (options == null) {
      return missing("removeMessages");
    }
    return call(RpcMethod.REMOVE_MESSAGES, JsonRpcRequests.removeMessages(options), DefaultMprClient::nothing);
  }

  @Override
  public CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions options) {
    if (options == null) {
      return missing("removeAllMessages");
    }
    return call(RpcMethod.REMOVE_ALL_MESSAGES, JsonRpcRequests.removeAllMessages(options), DefaultMprClient::nothing);
  }

  @Override
  public CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions options) {
    if (options == null) {
      return missing("getAvailableMessageCount");
    }
    return call(RpcMethod.GET_AVAILABLE_MESSAGE_COUNT, JsonRpcRequests.getAvailableMessageCount(options), r -> {
      if (!r.isIntegralNumber() || !r.canConvertToInt()) {
        throw new IllegalArgumentException("expected a count, got " + r);
      }
      return r.intValue();
    });
  }

  @Override
  public CompletableFuture<Void> addLiveSession(AddLiveSessionOptions options) {
    if (options == null) {
      return missing("addLiveSession");
    }
    return call(RpcMethod.ADD_LIVE_SESSION, JsonRpcRequests.addLiveSession(options), r -> {
      // on the event loop: from now on this client holds the session and restores it after a reconnect
      connection.holdSession(options.connectionId(), options.sessionId());
      return null;
    });
  }

  @Override
  public CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions options) {
    if (options == null) {
      return missing("removeLiveSession");
    }
    String cid = options.connectionId();
    String sid = options.sessionId();
    // the intent is known now: a session removed by the caller is never restored, even if this call fails
    connection.execute(() -> connection.forgetSession(cid, sid, false));
    return call(RpcMethod.REMOVE_LIVE_SESSION, JsonRpcRequests.removeLiveSession(options), r -> {
      boolean removed = bool(r);
      connection.forgetSession(cid, sid, removed);
      return removed;
    });
  }

  @Override
  public CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions options) {
    if (options == null) {
      return missing("getLiveSession");
    }
    return call(RpcMethod.GET_LIVE_SESSION, JsonRpcRequests.getLiveSession(options), DefaultMprClient::bool);
  }

  private static boolean bool(JsonNode r) {
    if (!r.isBoolean()) {
      throw new IllegalArgumentException("expected a boolean, got " + r);
    }
    return r.booleanValue();
  }

  @Override
  public Registration addMessagesReceivedListener(MessagesReceivedListener listener) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    // a wrapper per registration, so that adding the same listener twice gives two registrations
    MessagesReceivedListener entry = listener::messagesReceived;
    listeners.add(entry);
    return () -> listeners.remove(entry);
  }

  @Override
  public BlockingPickupRepository sync() {
    // a call fails by itself after requestTimeout; the margin covers the connection info provider
    return sync(settings.requestTimeout().plus(SYNC_MARGIN));
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "MprClient[" + settings.uri() + (connection.isConnected() ? ", connected"
        : connection.isClosed() ? ", closed" : ", not connected") + "]";
  }

  // ================================================================ submitting calls

  private <T> CompletableFuture<T> call(RpcMethod method, JsonRpcRequests.Params params, Pending.Decoder<T> decoder) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (connection.isClosed()) {
      future.completeExceptionally(connection.closedException());
      return future;
    }
    Pending<T> p = connection.newCall(method.wireName(), params, decoder, future);
    if (connection.inEventLoop()) {
      connection.submit(p);
    } else if (!connection.execute(p)) {
      future.completeExceptionally(connection.closedException());
    }
    return future;
  }

  private <T> CompletableFuture<T> withConnectionInfo(String connectionId,
      Function<ConnectionInfo, CompletableFuture<T>> call) {
    if (settings.connectionInfoProvider() == null) {
      return call.apply(null);
    }
    CompletionStage<ConnectionInfo> info;
    try {
      info = settings.connectionInfoProvider().connectionInfo(connectionId);
      if (info == null) {
        return call.apply(null);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(providerFailed(connectionId, e));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    info.whenComplete((i, error) -> {
      if (error != null) {
        result.completeExceptionally(providerFailed(connectionId, error));
      } else {
        call.apply(i).whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
      }
    });
    return result;
  }

  private static MprTransportException providerFailed(String connectionId, Throwable e) {
    return new MprTransportException("the connection info provider failed for connectionId " + connectionId
        + "; the call was not sent", e);
  }

  private static <T> CompletableFuture<T> missing(String method) {
    return CompletableFuture.failedFuture(MprRpcException.invalidParams("the options of " + method + " are required"));
  }

  private static Void nothing(JsonNode result) {
    return null;
  }

  // ================================================================ callbacks

  private void deliver(String connectionId, List<QueuedMessage> messages) {
    runCallback(() -> {
      for (MessagesReceivedListener l : listeners) {
        try {
          l.messagesReceived(connectionId, messages);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "a messagesReceived listener failed", e);
        }
      }
    });
  }

  private void notifyState(Consumer<ConnectionStateListener> event) {
    ConnectionStateListener l = settings.stateListener();
    runCallback(() -> {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a connection state listener failed", e);
      }
    });
  }

  private void runCallback(Runnable task) {
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.log(System.Logger.Level.DEBUG, "a callback was dropped: the callback executor refused it");
    }
  }
}
