package io.github.mpr4j.server.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The network transport: Linux's native epoll where Netty's native library loads (x86-64 Linux), which
 * costs less CPU per request than the JDK's NIO; NIO everywhere else. Netty's own switch
 * {@code -Dio.netty.transport.noNative=true} forces NIO.
 */
enum Transport {
  EPOLL, NIO;

  /** The transport this process can use. */
  static Transport available() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  String describe() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
