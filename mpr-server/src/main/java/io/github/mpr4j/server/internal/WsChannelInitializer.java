package io.github.mpr4j.server.internal;

import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.server.AllowedOrigins;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.function.Supplier;

/**
 * The pipeline of a WebSocket connection: HTTP codec, a small aggregator for the upgrade request, the
 * path, origin and token check, the WebSocket protocol handler (frames over the limit close the socket with
 * 1009), an aggregator of fragmented messages under the same limit, and the JSON-RPC handler.
 */
final class WsChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** The largest upgrade request (headers and body); upgrades have no body. */
  static final int MAX_UPGRADE_REQUEST_BYTES = 8192;

  private final TokenVerifier verifier;
  private final AllowedOrigins origins;
  private final Supplier<MessagePickupRepository> repositories;
  private final RpcLimits limits;
  private final WsConnections connections;
  private final Metrics metrics;

  WsChannelInitializer(TokenVerifier verifier, AllowedOrigins origins, Supplier<MessagePickupRepository> repositories,
      RpcLimits limits, WsConnections connections, Metrics metrics) {
    this.verifier = verifier;
    this.origins = origins;
    this.repositories = repositories;
    this.limits = limits;
    this.connections = connections;
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath("/")
        .checkStartsWith(true)
        .handleCloseFrames(true)
        .handshakeTimeoutMillis(10_000)
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(limits.maxFrameBytes())
            .allowExtensions(false)
            .closeOnProtocolViolation(true)
            // the JSON parser checks UTF-8 itself and answers -32700 instead of closing with 1007
            .withUTF8Validator(false)
            .build())
        .build();
    // writability turns off above the high mark (the JSON-RPC handler then stops reading) and on below half of it
    ch.config().setWriteBufferWaterMark(
        new WriteBufferWaterMark(limits.writeBufferHighBytes() / 2, limits.writeBufferHighBytes()));
    ChannelPipeline p = ch.pipeline();
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    p.addLast("http", new HttpServerCodec());
    p.addLast("upgrade-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES));
    p.addLast("auth", new UpgradeAuthHandler(verifier, origins));
    p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
    p.addLast("fragments", new WebSocketFrameAggregator(limits.maxFrameBytes()));
    p.addLast("json-rpc", new JsonRpcHandler(repositories, limits, connections, metrics));
  }
}
