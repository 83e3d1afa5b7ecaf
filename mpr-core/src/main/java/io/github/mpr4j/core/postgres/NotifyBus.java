package io.github.mpr4j.core.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.QueuedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery bus on {@code LISTEN}/{@code NOTIFY}: one channel per instance, {@code mpr_} and 32 hex digits
 * of the SHA-256 of its id. One thread listens on a dedicated connection (not from the pool) and reconnects
 * with backoff (100 ms doubling to 5 s); notifications sent while it was away are lost, which leaves their
 * messages sending until their visibility timeout. One thread publishes: it sends every event that waits in
 * one statement on a pooled connection. Publishing never waits for the caller and is at most once: an event
 * that finds the queue full or the database down is dropped.
 *
 * <p>A delivery travels with its messages when it fits in a notification (PostgreSQL's limit is 8000 bytes),
 * else as their ids, and the receiving instance reads them (the messages are sending, so nobody else takes
 * them meanwhile).
 */
final class NotifyBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyBus.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  /** The largest payload sent inline (PostgreSQL refuses above 8000 bytes). */
  static final int MAX_INLINE = 7_900;
  private static final String PUBLISH = "SELECT count(pg_notify(c, p)) FROM unnest(?::text[], ?::text[]) AS t(c, p)";
  private static final String BY_IDS = "SELECT " + Sql.MESSAGE_COLUMNS
      + " FROM mpr_messages WHERE connection_id = ? AND id = ANY(?::text[]) ORDER BY seq";

  private record Outgoing(String channel, String payload) {}

  private final String jdbcUrl;
  private final Properties connectProperties;
  private final DataSource pool;
  private final Executor workers;
  private final Map<String, Consumer<BusEvent>> consumers = new ConcurrentHashMap<>();
  /** Channels subscribed to but not yet listened to on the current connection, with who waits for them. */
  private final Map<String, CompletableFuture<Void>> toListen = new ConcurrentHashMap<>();
  private final BlockingQueue<Outgoing> outgoing;
  private final Thread listener;
  private final Thread publisher;
  private volatile boolean closed;
  private volatile boolean listening;
  private long dropped;

  NotifyBus(String jdbcUrl, Properties connectProperties, DataSource pool, Executor workers, int maxQueued) {
    this.jdbcUrl = jdbcUrl;
    this.connectProperties = connectProperties;
    this.pool = pool;
    this.workers = workers;
    this.outgoing = new ArrayBlockingQueue<>(maxQueued);
    this.listener = new Thread(this::listen, "mpr-postgres-listen");
    listener.setDaemon(true);
    this.publisher = new Thread(this::publishLoop, "mpr-postgres-notify");
    publisher.setDaemon(true);
  }

  /** Starts both threads and waits, at most {@code waitMillis}, for the listening connection. */
  void start(long waitMillis) {
    listener.start();
    publisher.start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    while (!listening && System.nanoTime() < deadline) {
      sleep(5);
    }
  }

  /** The channel of an instance. */
  static String channel(String instanceId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(instanceId.getBytes(StandardCharsets.UTF_8));
      return "mpr_" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the listening connection is up. */
  boolean isListening() {
    return listening;
  }

  /**
   * Starts receiving the events of an instance; waits (at most {@code waitMillis}) until the channel is
   * listened to, so that nothing published after the call returns is missed while the connection is up.
   */
  void subscribe(String instanceId, Consumer<BusEvent> consumer, long waitMillis) {
    String ch = channel(instanceId);
    consumers.put(ch, consumer);
    CompletableFuture<Void> listened = toListen.computeIfAbsent(ch, k -> new CompletableFuture<>());
    try {
      listened.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("the bus channel of instance {} is not listened to yet (PostgreSQL unreachable?); it will be"
          + " when the connection is up", instanceId);
    }
  }

  /** Queues an event for an instance; never waits. */
  void publish(String instanceId, BusEvent event) {
    if (closed) {
      return;
    }
    if (!outgoing.offer(new Outgoing(channel(instanceId), encode(event)))) {
      dropped++;
      if (Long.bitCount(dropped) == 1) {
        log.warn("the bus's queue is full: {} events dropped so far (their messages wait for their visibility"
            + " timeout)", dropped);
      }
    }
  }

  // ---------------------------------------------------------------- publishing

  private void publishLoop() {
    List<Outgoing> batch = new ArrayList<>();
    while (!closed) {
      try {
        Outgoing first = outgoing.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outgoing.drainTo(batch, 511);
        send(batch);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        log.warn("bus events could not be sent: {}", e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void send(List<Outgoing> batch) {
    String[] channels = new String[batch.size()];
    String[] payloads = new String[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      channels[i] = batch.get(i).channel;
      payloads[i] = batch.get(i).payload;
    }
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(PUBLISH)) {
      s.setArray(1, c.createArrayOf("text", channels));
      s.setArray(2, c.createArrayOf("text", payloads));
      s.executeQuery().close();
    } catch (SQLException e) {
      log.debug("{} bus events lost: {}", batch.size(), e.toString());
    }
  }

  // ---------------------------------------------------------------- listening

  private void listen() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(jdbcUrl, connectProperties)) {
        PGConnection pg = c.unwrap(PGConnection.class);
        for (String ch : consumers.keySet()) {
          toListen.computeIfAbsent(ch, k -> new CompletableFuture<>());
        }
        listening = true;
        backoff = 100;
        long lastCheck = System.nanoTime();
        while (!closed) {
          listenNew(c);
          PGNotification[] got = pg.getNotifications(100);
          if (got != null) {
            for (PGNotification n : got) {
              receive(n.getName(), n.getParameter());
            }
          }
          if (System.nanoTime() - lastCheck > TimeUnit.SECONDS.toNanos(2)) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1"); // finds a connection that died silently
            }
            lastCheck = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          return;
        }
        log.warn("the bus's listening connection failed, reconnecting in {} ms: {}", backoff, e.toString());
        // every channel must be listened to again on the next connection
        for (String ch : consumers.keySet()) {
          toListen.putIfAbsent(ch, new CompletableFuture<>());
        }
        sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    listening = false;
  }

  private void listenNew(Connection c) throws SQLException {
    if (toListen.isEmpty()) {
      return;
    }
    for (Map.Entry<String, CompletableFuture<Void>> e : toListen.entrySet()) {
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN \"" + e.getKey() + "\"");
      }
      toListen.remove(e.getKey(), e.getValue());
      e.getValue().complete(null);
    }
  }

  private void receive(String ch, String payload) {
    Consumer<BusEvent> consumer = consumers.get(ch);
    if (consumer == null) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(payload);
      LiveSession session = new LiveSession(n.get("c").asText(), n.get("s").asText(), n.get("i").asText(),
          n.get("h").asText());
      switch (n.get("t").asText()) {
        case "e" -> consumer.accept(new BusEvent.SessionEnded(session));
        case "d" -> consumer.accept(new BusEvent.Delivery(session, inline(n.get("m"))));
        case "r" -> workers.execute(() -> fetchAndDeliver(consumer, session, n.get("r")));
        default -> log.debug("unknown bus event {}", n.get("t"));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("a bus event could not be read: {}", e.toString());
    }
  }

  private static List<QueuedMessage> inline(JsonNode messages) throws IOException {
    List<QueuedMessage> out = new ArrayList<>(messages.size());
    for (JsonNode m : messages) {
      out.add(new QueuedMessage(m.get("id").asText(), Instant.ofEpochMilli(m.get("at").asLong()),
          EncryptedMessage.ofJsonUtf8(JSON.writeValueAsBytes(m.get("p")))));
    }
    return out;
  }

  /** A delivery sent as ids: reads its messages (those still there) and hands them on. */
  private void fetchAndDeliver(Consumer<BusEvent> consumer, LiveSession session, JsonNode ids) {
    String[] wanted = new String[ids.size()];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = ids.get(i).asText();
    }
    List<QueuedMessage> messages = new ArrayList<>();
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(BY_IDS)) {
      s.setString(1, session.connectionId());
      s.setArray(2, c.createArrayOf("text", wanted));
      try (ResultSet r = s.executeQuery()) {
        Sql.messages(r).forEach(m -> messages.add(m.toQueuedMessage()));
      }
    } catch (SQLException e) {
      log.warn("the messages of a delivery could not be read (they wait for their visibility timeout): {}",
          e.toString());
      return;
    }
    if (!messages.isEmpty()) {
      consumer.accept(new BusEvent.Delivery(session, messages));
    }
  }

  /** The notification's payload of an event. */
  static String encode(BusEvent event) {
    LiveSession s = event instanceof BusEvent.Delivery d ? d.session() : ((BusEvent.SessionEnded) event).session();
    try {
      if (event instanceof BusEvent.Delivery d) {
        String inline = write(s, "d", g -> {
          g.writeArrayFieldStart("m");
          for (QueuedMessage m : d.messages()) {
            g.writeStartObject();
            g.writeStringField("id", m.id());
            g.writeNumberField("at", m.receivedAt().toEpochMilli());
            g.writeFieldName("p");
            g.writeRawValue(m.encryptedMessage().json());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
        if (inline.getBytes(StandardCharsets.UTF_8).length <= MAX_INLINE) {
          return inline;
        }
        return write(s, "r", g -> {
          g.writeArrayFieldStart("r");
          for (QueuedMessage m : d.messages()) {
            g.writeString(m.id());
          }
          g.writeEndArray();
        });
      }
      return write(s, "e", g -> {});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(LiveSession s, String type, Fields fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("t", type);
      g.writeStringField("c", s.connectionId());
      g.writeStringField("s", s.sessionId());
      g.writeStringField("i", s.instanceId());
      g.writeStringField("h", s.holderId());
      fields.write(g);
      g.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops both threads (the listening connection closes). Idempotent. */
  @Override
  public void close() {
    closed = true;
    publisher.interrupt();
    try {
      listener.join(2_000);
      publisher.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
