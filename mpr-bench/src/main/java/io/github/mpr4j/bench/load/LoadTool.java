package io.github.mpr4j.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end load tool: drives a running MPR server over real WebSockets on a loopback address.
 *
 * <pre>
 * java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode add \
 *   --uri ws://127.0.0.1:3100/ --sockets 4 --inflight 64 --connections 1000 --payload-bytes 1024 \
 *   --seconds 20 --server-pid $(pgrep -f mpr-server)
 * </pre>
 *
 * Modes: {@code add} (pipelined addMessage throughput), {@code live} (addMessage on one socket to
 * messagesReceived on another, at {@code --rate} messages/s: latency percentiles; {@code --sender-uri}
 * adds through a second instance), {@code callback} (POSTs to the callback gateway at {@code --rate}, a
 * browser socket receiving them: latency; {@code --app-uri}, {@code --sender-app-uri}, {@code
 * --post-connections} (8): the backend's keep-alive connections, one POST in flight on each), {@code drain}
 * (fill {@code --messages}, then takeFromQueue 100 + removeMessages until empty: messages/s), {@code fill}
 * (add {@code --messages} and report the server's heap after a GC, via jcmd), {@code client} (pipelined
 * addMessage through one {@link io.github.mpr4j.client.MprClient} with {@code --inflight} calls outstanding:
 * throughput and the bytes the client's process allocates per call). Every run is bounded by
 * {@code --seconds} and {@code --messages} and stops by itself.
 */
public final class LoadTool {
  /** The first error answer of the run, shown in the report. */
  private final java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();

  private final Map<String, String> opts;
  private final URI uri;
  private final int sockets;
  private final int inflight;
  private final int connections;
  private final String payload;
  private final int seconds;
  private final long maxMessages;
  private final long serverPid;

  LoadTool(Map<String, String> opts) throws IOException {
    this.opts = opts;
    this.uri = URI.create(opts.getOrDefault("uri", "ws://127.0.0.1:3100/"));
    InetAddress host = InetAddress.getByName(uri.getHost());
    if (!host.isLoopbackAddress()) {
      throw new IllegalArgumentException("the load tool only targets loopback addresses, not " + uri.getHost());
    }
    this.sockets = Integer.parseInt(opts.getOrDefault("sockets", "4"));
    this.inflight = Integer.parseInt(opts.getOrDefault("inflight", "64"));
    this.connections = Integer.parseInt(opts.getOrDefault("connections", "1000"));
    this.payload = Payloads.jwe(Integer.parseInt(opts.getOrDefault("payload-bytes", "1024")), 42);
    this.seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
    this.maxMessages = Long.parseLong(opts.getOrDefault("messages", "100000000"));
    this.serverPid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options are --name value pairs: " + Arrays.toString(args));
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    LoadTool tool = new LoadTool(opts);
    Result r = tool.run(opts.getOrDefault("mode", "add"));
    System.out.println(r.report());
    if (tool.firstError.get() != null) {
      System.out.println("first error answer: " + tool.firstError.get());
    }
  }

  /** What one run measured. */
  public record Result(String mode, long messages, long errors, double seconds, double cpuMicrosPerMessage,
      long[] latenciesNanos, String extra) {
    public double perSecond() {
      return messages / seconds;
    }

    public String report() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "mode=%s messages=%d errors=%d seconds=%.2f rate=%.0f/s",
          mode, messages, errors, seconds, perSecond()));
      if (cpuMicrosPerMessage >= 0) {
        sb.append(String.format(Locale.ROOT, " serverCpu=%.1fus/msg", cpuMicrosPerMessage));
      }
      if (latenciesNanos != null && latenciesNanos.length > 0) {
        long[] l = latenciesNanos.clone();
        Arrays.sort(l);
        sb.append(String.format(Locale.ROOT, " latency p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms",
            pct(l, 0.50), pct(l, 0.99), pct(l, 0.999), l[l.length - 1] / 1e6));
      }
      if (extra != null) {
        sb.append('\n').append(extra);
      }
      return sb.toString();
    }

    private static double pct(long[] sorted, double p) {
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
  }

  public Result run(String mode) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(1, Math.min(sockets, 2)), Transport.ioHandlerFactory());
    try {
      return switch (mode) {
        case "add" -> add(group, maxMessages);
        case "live" -> live(group);
        case "drain" -> drain(group);
        case "fill" -> fill(group);
        case "callback" -> CallbackLoad.run(group, URI.create(opts.getOrDefault("app-uri", "http://127.0.0.1:3500/")),
            URI.create(opts.getOrDefault("sender-app-uri", opts.getOrDefault("app-uri", "http://127.0.0.1:3500/"))),
            Integer.parseInt(opts.getOrDefault("rate", "1000")), seconds,
            Integer.parseInt(opts.getOrDefault("warmup-seconds", "2")),
            Integer.parseInt(opts.getOrDefault("post-connections", Integer.toString(CallbackLoad.DEFAULT_POST_CONNECTIONS))),
            this::serverCpuTicks);
        case "client" -> ClientLoad.run(uri, inflight, connections, payload, seconds, maxMessages, this::serverCpuTicks);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      };
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- add

  private Result add(EventLoopGroup group, long limit) throws Exception {
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong issued = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<WsConnection> conns = new ArrayList<>();
    CountDownLatch drained = new CountDownLatch(sockets);
    for (int s = 0; s < sockets; s++) {
      AtomicInteger outstanding = new AtomicInteger();
      WsConnection[] self = new WsConnection[1];
      self[0] = WsConnection.open(group, uri, text -> {
        if (text.contains("\"error\"")) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, text);
        }
        answered.incrementAndGet();
        outstanding.decrementAndGet();
        if (!stop.get() && sendAdd(self[0], issued, limit)) {
          outstanding.incrementAndGet();
          self[0].flush();
        } else if (outstanding.get() == 0) {
          drained.countDown();
        }
      });
      conns.add(self[0]);
      self[0].execute(() -> {
        int n = 0;
        while (n < inflight && sendAdd(self[0], issued, limit)) {
          n++;
        }
        outstanding.addAndGet(n);
        self[0].flush();
        if (n == 0) {
          drained.countDown();
        }
      });
    }
    long cpu0 = serverCpuTicks();
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline && answered.get() < limit) {
      Thread.sleep(20);
    }
    stop.set(true);
    drained.await(10, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long cpu1 = serverCpuTicks();
    conns.forEach(WsConnection::close);
    return new Result("add", answered.get(), errors.get(), elapsed, cpuPerMessage(cpu0, cpu1, answered.get()), null, null);
  }

  private boolean sendAdd(WsConnection c, AtomicLong issued, long limit) {
    long n = issued.incrementAndGet();
    if (n > limit) {
      return false;
    }
    c.write(Payloads.addMessage(n, Payloads.connectionId((int) (n % connections)), payload));
    return true;
  }

  // ---------------------------------------------------------------- live

  private Result live(EventLoopGroup group) throws Exception {
    int rate = Integer.parseInt(opts.getOrDefault("rate", "1000"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup-seconds", "2"));
    int liveConnections = Math.min(connections, 100);
    long total = (long) rate * (seconds + warmup);
    long[] latencies = new long[(int) Math.min(total, 50_000_000)];
    AtomicInteger recorded = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
    CountDownLatch setup = new CountDownLatch(liveConnections + 1);

    WsConnection[] holderRef = new WsConnection[1];
    AtomicLong removals = new AtomicLong(1_000_000);
    WsConnection holder = WsConnection.open(group, uri, text -> {
      long now = System.nanoTime();
      if (text.contains("\"method\":\"messagesReceived\"")) {
        removeDelivered(holderRef[0], removals.incrementAndGet(), text);
        int at = 0;
        while ((at = text.indexOf("\"bench_ts\":\"", at)) >= 0) {
          at += 12;
          int end = at;
          while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
          }
          long sent = Long.parseLong(text, at, end, 10);
          received.incrementAndGet();
          if (sent >= measureFrom) {
            int i = recorded.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = now - sent;
            }
          }
        }
      } else {
        if (text.contains("\"error\"")) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, text);
        }
        setup.countDown();
      }
    });
    holderRef[0] = holder;
    holder.send(Payloads.call(0, "rpc.on", "[\"messagesReceived\"]"));
    for (int i = 0; i < liveConnections; i++) {
      holder.send(Payloads.call(i + 1, "addLiveSession",
          "{\"connectionId\":\"" + Payloads.connectionId(i) + "\",\"sessionId\":\"bench-" + i + "\"}"));
    }
    if (!setup.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("live sessions were not confirmed");
    }

    AtomicLong sent = new AtomicLong();
    // --sender-uri: add through another instance than the holder's (cross-instance delivery)
    URI senderUri = URI.create(opts.getOrDefault("sender-uri", uri.toString()));
    if (!InetAddress.getByName(senderUri.getHost()).isLoopbackAddress()) {
      throw new IllegalArgumentException("the load tool only targets loopback addresses, not " + senderUri.getHost());
    }
    // refused adds: those answered during the warm-up seconds are reported apart (a fresh load tool JVM
    // compiles its own code then, and its pacer catches up in bursts after its own pauses)
    AtomicLong refused = new AtomicLong();
    AtomicLong refusedInWarmup = new AtomicLong();
    WsConnection sender = WsConnection.open(group, senderUri, text -> {
      if (text.contains("\"error\"")) {
        refused.incrementAndGet();
        if (System.nanoTime() < measureFrom) {
          refusedInWarmup.incrementAndGet();
        } else {
          errors.incrementAndGet();
        }
        firstError.compareAndSet(null, text);
      }
    });
    String body = payload.substring(1);
    long t0 = System.nanoTime();
    CountDownLatch done = new CountDownLatch(1);
    ScheduledFuture<?>[] pacer = new ScheduledFuture<?>[1];
    sender.execute(() -> pacer[0] = group.next().scheduleAtFixedRate(() -> sender.execute(() -> {
      long due = Math.min(total, (System.nanoTime() - t0) * rate / 1_000_000_000L);
      boolean wrote = false;
      while (sent.get() < due) {
        long n = sent.incrementAndGet();
        // the send time as a string: a JWE holds only strings, and so does this payload
        String p = "{\"bench_ts\":\"" + System.nanoTime() + "\"," + body;
        sender.write(Payloads.addMessage(n, Payloads.connectionId((int) (n % liveConnections)), p));
        wrote = true;
      }
      if (wrote) {
        sender.flush();
      }
      if (sent.get() >= total) {
        pacer[0].cancel(false);
        done.countDown();
      }
    }), 0, 1, TimeUnit.MILLISECONDS));
    long cpu0 = serverCpuTicks();
    done.await(seconds + warmup + 10L, TimeUnit.SECONDS);
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (received.get() + refused.get() < sent.get() && System.nanoTime() < waitUntil) {
      Thread.sleep(10);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long cpu1 = serverCpuTicks();
    sender.close();
    holder.close();
    long lost = sent.get() - refused.get() - received.get();
    List<String> notes = new ArrayList<>();
    if (refusedInWarmup.get() > 0) {
      notes.add(refusedInWarmup.get() + " adds were refused during the warm-up seconds (counted apart from errors)");
    }
    if (lost > 0) {
      notes.add(lost + " messages sent and accepted were not delivered live within 5 s");
    }
    return new Result("live@" + rate + "/s", received.get(), errors.get(), elapsed,
        cpuPerMessage(cpu0, cpu1, received.get()), Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length)),
        notes.isEmpty() ? null : String.join("\n", notes));
  }

  /** Acknowledges delivered messages as a mediator does once the recipient has them: removeMessages. */
  private static void removeDelivered(WsConnection holder, long requestId, String notification) {
    int c = notification.indexOf("\"connectionId\":\"") + 16;
    String connectionId = notification.substring(c, notification.indexOf('"', c));
    StringBuilder ids = new StringBuilder();
    int at = 0;
    while ((at = notification.indexOf("{\"id\":\"", at)) >= 0) {
      at += 7;
      int end = notification.indexOf('"', at);
      ids.append(ids.length() == 0 ? "\"" : ",\"").append(notification, at, end).append('"');
    }
    holder.send(Payloads.call(requestId, "removeMessages",
        "{\"connectionId\":\"" + connectionId + "\",\"messageIds\":[" + ids + "]}"));
  }

  // ---------------------------------------------------------------- drain

  private Result drain(EventLoopGroup group) throws Exception {
    Result filled = add(group, maxMessages);
    AtomicLong drainedCount = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(sockets);
    List<WsConnection> conns = new ArrayList<>();
    long cpu0 = serverCpuTicks();
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
    for (int s = 0; s < sockets; s++) {
      int first = s;
      int[] current = {first};
      AtomicLong ids = new AtomicLong();
      WsConnection[] self = new WsConnection[1];
      self[0] = WsConnection.open(group, uri, text -> {
        try {
          TakeAnswer answer = TakeAnswer.read(text);
          if (answer.error()) {
            errors.incrementAndGet();
          }
          List<String> taken = answer.ids();
          if (taken != null) {
            if (taken.isEmpty()) {
              current[0] += sockets;
              if (current[0] >= connections || System.nanoTime() > deadline) {
                finished.countDown();
                return;
              }
              self[0].send(take(ids.incrementAndGet(), current[0]));
              return;
            }
            StringBuilder list = new StringBuilder(taken.size() * 40);
            for (String id : taken) {
              list.append(list.length() == 0 ? "\"" : ",\"").append(id).append('"');
            }
            drainedCount.addAndGet(taken.size());
            self[0].send(Payloads.call(ids.incrementAndGet(), "removeMessages", "{\"connectionId\":\""
                + Payloads.connectionId(current[0]) + "\",\"messageIds\":[" + list + "]}"));
          } else {
            self[0].send(take(ids.incrementAndGet(), current[0]));
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          finished.countDown();
        }
      });
      conns.add(self[0]);
      self[0].send(take(ids.incrementAndGet(), first));
    }
    finished.await(seconds + 10L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long cpu1 = serverCpuTicks();
    conns.forEach(WsConnection::close);
    return new Result("drain", drainedCount.get(), errors.get(), elapsed, cpuPerMessage(cpu0, cpu1, drainedCount.get()),
        null, "filled first: " + filled.report());
  }

  private static String take(long id, int connection) {
    return Payloads.call(id, "takeFromQueue", "{\"connectionId\":\"" + Payloads.connectionId(connection)
        + "\",\"limit\":100,\"deleteMessages\":false}");
  }

  // ---------------------------------------------------------------- fill

  private Result fill(EventLoopGroup group) throws Exception {
    Result filled = add(group, maxMessages);
    String heap = "heap: give --server-pid to read the server's heap after a GC";
    if (serverPid > 0) {
      exec("jcmd", Long.toString(serverPid), "GC.run");
      heap = exec("jcmd", Long.toString(serverPid), "GC.heap_info");
    }
    return new Result("fill", filled.messages(), filled.errors(), filled.seconds(), filled.cpuMicrosPerMessage(), null, heap);
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out.strip();
  }

  // ---------------------------------------------------------------- server CPU

  /** utime + stime of the server process in clock ticks (1/100 s on Linux), or -1 when unknown. */
  private long serverCpuTicks() {
    if (serverPid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static double cpuPerMessage(long ticks0, long ticks1, long messages) {
    if (ticks0 < 0 || ticks1 < 0 || messages == 0) {
      return -1;
    }
    return (ticks1 - ticks0) * 10_000.0 / messages;
  }
}
