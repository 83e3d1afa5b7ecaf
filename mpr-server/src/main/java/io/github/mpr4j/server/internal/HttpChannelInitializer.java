package io.github.mpr4j.server.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of an APP_PORT connection: HTTP codec, aggregator, and the shared route dispatcher. */
final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** The largest request body the operations endpoints accept. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final HttpDispatcher dispatcher;
  private final int maxRequestBytes;

  HttpChannelInitializer(HttpDispatcher dispatcher) {
    this(dispatcher, MAX_REQUEST_BYTES);
  }

  /** With a larger request limit, for endpoints (the callback gateway) that check their own. */
  HttpChannelInitializer(HttpDispatcher dispatcher, int maxRequestBytes) {
    this.dispatcher = dispatcher;
    this.maxRequestBytes = Math.max(MAX_REQUEST_BYTES, maxRequestBytes);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
        .addLast("routes", dispatcher);
  }
}
