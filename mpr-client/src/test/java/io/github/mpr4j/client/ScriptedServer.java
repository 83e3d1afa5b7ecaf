package io.github.mpr4j.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server for tests that accepts the upgrade and then answers nothing by itself: it records the
 * requests it receives, and the test answers them (or not) with {@link #answer}; only the rpc.on subscription
 * is answered at once. Used to see exactly what
 * the client sends, and to leave it without answers (timeouts, the in-flight bound).
 */
final class ScriptedServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
  private final Channel server;
  private volatile Channel socket;
  /** rpc.on requests seen (answered at once). */
  final java.util.concurrent.atomic.AtomicInteger subscriptions = new java.util.concurrent.atomic.AtomicInteger();

  ScriptedServer() {
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/", null, false, 1 << 20, false, true),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) throws Exception {
                    socket = ctx.channel();
                    super.channelActive(ctx);
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
                    JsonNode request = JSON.readTree(frame.text());
                    if ("rpc.on".equals(request.path("method").asText())) {
                      ctx.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"result\":{\"messagesReceived\":\"ok\"},\"id\":"
                          + request.get("id") + "}"));
                      subscriptions.incrementAndGet();
                    } else {
                      requests.add(request);
                    }
                  }
                });
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort() + "/");
  }

  /** The next request within a short wait, or {@code null}. */
  JsonNode requestWithin(Duration wait) throws InterruptedException {
    return requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next request (other than rpc.on); fails the test when none comes within the wait. */
  JsonNode nextCall(Duration wait) throws InterruptedException {
    JsonNode r = requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no request within " + wait);
    }
    return r;
  }

  /** Answers a request with a result given as JSON text. */
  void answer(JsonNode request, String resultJson) {
    socket.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"result\":" + resultJson + ",\"id\":"
        + request.get("id") + "}"));
  }

  /** Answers a request with a JSON-RPC error. */
  void answerError(JsonNode request, int code, String message) {
    socket.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code
        + ",\"message\":\"" + message + "\"},\"id\":" + request.get("id") + "}"));
  }

  /** Stops reading the client's socket (no answers, no pongs) without closing it, as a dead peer would. */
  void freeze() {
    socket.config().setAutoRead(false);
  }

  /** Closes the client's socket without a close frame, as a crash would. */
  void dropSocket() {
    socket.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
