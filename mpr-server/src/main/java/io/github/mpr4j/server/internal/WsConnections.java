package io.github.mpr4j.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open WebSocket connections of the server, the requests in flight on all of them, and whether the
 * server is draining for shutdown.
 */
final class WsConnections {
  private final ChannelGroup channels = new DefaultChannelGroup("mpr-websockets", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  void add(Channel channel) {
    channels.add(channel);
  }

  /** A frame arrived and its requests run; call {@link #frameAnswered()} once its answer is written. */
  void frameStarted() {
    inFlight.incrementAndGet();
  }

  void frameAnswered() {
    inFlight.decrementAndGet();
  }

  /** Frames received on any socket whose answers are not yet written. */
  int inFlight() {
    return inFlight.get();
  }

  /** From now on new requests are refused; those in flight still get their answers. */
  void startDraining() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  /** Sends a close frame with status 1001 (going away) to every socket and closes it. */
  void closeAll(long timeoutMillis) {
    for (Channel c : channels) {
      if (c.isActive()) {
        c.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down"))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
    channels.newCloseFuture().awaitUninterruptibly(timeoutMillis);
    channels.close().awaitUninterruptibly(timeoutMillis);
  }
}
