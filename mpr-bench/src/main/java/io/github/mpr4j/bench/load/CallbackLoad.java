package io.github.mpr4j.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.URI;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Load tool mode {@code callback}: one browser socket on the callback gateway ({@code /callback/ws} of
 * {@code --app-uri}), and backends POSTing to its callback URL at {@code --rate} per second (through
 * {@code --sender-app-uri}, another instance, when given). Reports the POST-to-notification latency; the
 * browser acks what it receives. The backend is a Netty HTTP/1.1 client with a few persistent
 * connections, each sending its next POST when the previous one is answered.
 */
final class CallbackLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Persistent HTTP/1.1 connections the backend posts over by default, one request at a time each: at
   * 2,000/s each must be answered within 4 ms on average, or POSTs queue in the tool.
   */
  static final int DEFAULT_POST_CONNECTIONS = 8;

  private CallbackLoad() {}

  /** A notification later than this makes its second a slow one in the report. */
  private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  static LoadTool.Result run(EventLoopGroup group, URI app, URI senderApp, int rate, int seconds, int warmupSeconds,
      int postConnections, LongSupplier serverCpuTicks) throws Exception {
    for (URI u : new URI[] {app, senderApp}) {
      if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException("the load tool only targets loopback addresses, not " + u.getHost());
      }
    }
    long total = (long) rate * (seconds + warmupSeconds);
    long[] latencies = new long[(int) Math.min(total, 50_000_000)];
    AtomicInteger recorded = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    // per measured second (by arrival): the latest notification, to tell a steady tail from a few stalls
    long[] worstBySecond = new long[seconds + 16];
    long[] cpuFrom = {-1};
    CompletableFuture<String> clientId = new CompletableFuture<>();
    WsConnection[] browser = new WsConnection[1];
    URI ws = URI.create("ws://" + app.getHost() + ":" + app.getPort() + "/callback/ws");
    browser[0] = WsConnection.open(group, ws, text -> {
      long now = System.nanoTime();
      try {
        JsonNode frame = JSON.readTree(text);
        String type = frame.path("type").asText();
        if (type.equals("registered")) {
          clientId.complete(frame.get("clientId").asText());
        } else if (type.equals("notification")) {
          long sent = frame.get("data").get("t").asLong();
          received.incrementAndGet();
          if (sent >= measureFrom) {
            int i = recorded.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = now - sent;
            }
            int second = (int) Math.min(worstBySecond.length - 1, (now - measureFrom) / 1_000_000_000L);
            worstBySecond[second] = Math.max(worstBySecond[second], now - sent);
          }
          browser[0].send("{\"type\":\"ack\",\"ids\":[\"" + frame.get("id").asText() + "\"]}");
        }
      } catch (Exception e) {
        clientId.completeExceptionally(e);
      }
    });
    String id = clientId.get(10, TimeUnit.SECONDS);
    URI target = URI.create("http://" + senderApp.getHost() + ":" + senderApp.getPort() + "/callback/" + id);
    AtomicLong sent = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long t0 = System.nanoTime();
    // per measured second (by answer): the most POSTs that waited in the tool for a free connection, and
    // the answers' times (request written to response read), to tell a slow server from a queue in the tool
    int[] waitingBySecond = new int[seconds + 16];
    long[] answerTimes = new long[latencies.length];
    AtomicInteger answered = new AtomicInteger();
    try (Posters posters = new Posters(group.next(), target, postConnections, errors, (written, waiting) -> {
      long now = System.nanoTime();
      if (written >= measureFrom) {
        int i = answered.getAndIncrement();
        if (i < answerTimes.length) {
          answerTimes[i] = now - written;
        }
        int second = (int) Math.min(waitingBySecond.length - 1, (now - measureFrom) / 1_000_000_000L);
        waitingBySecond[second] = Math.max(waitingBySecond[second], waiting);
      }
    })) {
      CountDownLatch done = new CountDownLatch(1);
      ScheduledFuture<?>[] pacer = new ScheduledFuture<?>[1];
      posters.loop.schedule(() -> cpuFrom[0] = serverCpuTicks.getAsLong(),
          Math.max(0, measureFrom - System.nanoTime()), TimeUnit.NANOSECONDS);
      pacer[0] = posters.loop.scheduleAtFixedRate(() -> {
        long due = Math.min(total, (System.nanoTime() - t0) * rate / 1_000_000_000L);
        while (sent.get() < due) {
          sent.incrementAndGet();
          posters.post("{\"t\":" + System.nanoTime() + "}");
        }
        if (sent.get() >= total) {
          pacer[0].cancel(false);
          done.countDown();
        }
      }, 0, 1, TimeUnit.MILLISECONDS);
      done.await(seconds + warmupSeconds + 10L, TimeUnit.SECONDS);
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received.get() < sent.get() && System.nanoTime() < waitUntil) {
        Thread.sleep(10);
      }
    } finally {
      browser[0].close();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long lost = sent.get() - received.get();
    long cpuTo = serverCpuTicks.getAsLong();
    int measured = Math.min(recorded.get(), latencies.length);
    // the first instance's CPU (the browser's; with one instance, all of it) over the measured POSTs
    double cpuMicros = LoadTool.cpuPerMessage(cpuFrom[0], cpuTo, measured);
    int slow = 0;
    int worst = 0;
    for (int i = 0; i < worstBySecond.length; i++) {
      slow += worstBySecond[i] > SLOW_NANOS ? 1 : 0;
      worst = worstBySecond[i] > worstBySecond[worst] ? i : worst;
    }
    long[] answers = Arrays.copyOf(answerTimes, Math.min(answered.get(), answerTimes.length));
    Arrays.sort(answers);
    StringBuilder perSecond = new StringBuilder();
    for (int i = 0; i < seconds; i++) {
      perSecond.append(i == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.1f/%d",
          worstBySecond[i] / 1e6, waitingBySecond[i]));
    }
    String timeline = String.format(java.util.Locale.ROOT,
        "seconds with a notification later than 10 ms: %d of %d; the worst second: %d (%.1f ms)%n"
            + "POST answer time (written to answered) p50=%.3fms p99=%.3fms max=%.3fms%n"
            + "per second, the latest notification (ms) / the most POSTs waiting for a connection: %s",
        slow, seconds, worst, worstBySecond[worst] / 1e6, pct(answers, 0.5), pct(answers, 0.99),
        answers.length == 0 ? 0 : answers[answers.length - 1] / 1e6, perSecond);
    return new LoadTool.Result("callback@" + rate + "/s", received.get(), errors.get(), elapsed, cpuMicros,
        Arrays.copyOf(latencies, measured),
        lost > 0 ? timeline + "\n" + lost + " callbacks posted were not received within 5 s" : timeline);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /** Told of each answer: when its request was written (nanoTime), and how many POSTs wait then. */
  private interface AnswerListener {
    void answered(long writtenNanos, int waiting);
  }

  /** A few keep-alive connections on one event loop; POSTs wait in a queue for a free connection. */
  private static final class Posters implements AutoCloseable {
    final EventLoop loop;
    private final URI target;
    private final AtomicLong errors;
    private final AnswerListener listener;
    private final java.util.Map<Channel, Long> writtenAt = new java.util.HashMap<>();
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private final ArrayDeque<Channel> free = new ArrayDeque<>();
    private final List<Channel> all = new ArrayList<>();

    Posters(EventLoop loop, URI target, int connections, AtomicLong errors, AnswerListener listener)
        throws Exception {
      this.loop = loop;
      this.listener = listener;
      this.target = target;
      this.errors = errors;
      Bootstrap b = new Bootstrap().group(loop).channel(Transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                  new SimpleChannelInboundHandler<FullHttpResponse>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                      if (r.status().code() != 202 && errors.incrementAndGet() == 1) {
                        System.out.println("first error: HTTP " + r.status());
                      }
                      release(ctx.channel());
                    }
                  });
            }
          });
      for (int i = 0; i < connections; i++) {
        Channel ch = b.connect(target.getHost(), target.getPort()).sync().channel();
        all.add(ch);
        loop.execute(() -> free.add(ch));
      }
    }

    /** Runs on the loop. */
    void post(String body) {
      waiting.add(body);
      drain();
    }

    private void release(Channel ch) {
      Long written = writtenAt.remove(ch);
      if (written != null) {
        listener.answered(written, waiting.size());
      }
      free.add(ch);
      drain();
    }

    private void drain() {
      while (!waiting.isEmpty() && !free.isEmpty()) {
        Channel ch = free.poll();
        String body = waiting.poll();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.getRawPath(),
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.HOST, target.getHost() + ":" + target.getPort())
            .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
        writtenAt.put(ch, System.nanoTime());
        ch.writeAndFlush(req);
      }
    }

    @Override
    public void close() {
      for (Channel ch : all) {
        ch.close().awaitUninterruptibly(2_000);
      }
    }
  }
}
