package io.github.mpr4j.server.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * TLS in front of a port's pipeline: the first handler decrypts with the context current when the
 * connection was accepted, then the port's own initializer adds the rest.
 */
final class TlsChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final Supplier<SslContext> context;
  private final ChannelInitializer<SocketChannel> inner;

  TlsChannelInitializer(Supplier<SslContext> context, ChannelInitializer<SocketChannel> inner) {
    this.context = context;
    this.inner = inner;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline().addLast("tls", context.get().newHandler(ch.alloc())).addLast(inner);
  }
}
