package io.github.mpr4j.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One WebSocket connection of the load tool: text frames out, each received text frame to a consumer. */
final class WsConnection implements AutoCloseable {
  private final Channel channel;

  private WsConnection(Channel channel) {
    this.channel = channel;
  }

  /** Connects and completes the handshake; {@code onText} runs on the connection's event loop. */
  static WsConnection open(EventLoopGroup group, URI uri, Consumer<String> onText) throws Exception {
    CompletableFuture<Void> handshake = new CompletableFuture<>();
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(Transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(
                new HttpClientCodec(),
                new HttpObjectAggregator(65536),
                new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                    uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 64 * 1024 * 1024)),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                      handshake.complete(null);
                    }
                    super.userEventTriggered(ctx, evt);
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    onText.accept(frame.text());
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    handshake.completeExceptionally(cause);
                    ctx.close();
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    handshake.completeExceptionally(new IllegalStateException("connection closed"));
                  }
                });
          }
        });
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    Channel ch = b.connect(uri.getHost(), port).sync().channel();
    handshake.get(10, TimeUnit.SECONDS);
    return new WsConnection(ch);
  }

  /** Writes a text frame without flushing. */
  void write(String text) {
    channel.write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)));
  }

  /** Writes and flushes a text frame. */
  void send(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)));
  }

  void flush() {
    channel.flush();
  }

  /** Runs a task on this connection's event loop. */
  void execute(Runnable task) {
    channel.eventLoop().execute(task);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
