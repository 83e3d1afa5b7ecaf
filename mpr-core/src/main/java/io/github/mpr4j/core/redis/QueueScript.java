package io.github.mpr4j.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The connection queue's Lua script, and the pipeline that carries its calls and the delivery bus's
 * publishes. Calls from every thread go into one queue; {@value #SENDERS} sender threads each take what has
 * gathered (up to {@value #MAX_BATCH} calls) and send it as one pipeline, so that under load many calls
 * share one write, one read and one round trip, as group commit does for a disk. A call is still one
 * EVALSHA, atomic on its own. The script is loaded again, on the node that owns the connection's slot,
 * whenever Redis answers NOSCRIPT (after a restart, say). A publish that follows a call's reply (a message
 * for a session held elsewhere) is queued by the sender thread that completed the call, in a queue of its
 * own, and sent in that sender's next batch: no other thread has to wake up for it.
 *
 * <p>Every call is sent once. On a Redis Cluster, Jedis's own command path sends a command again when the
 * connection fails after the write (the reply was lost, but the script may have run): a script that is not
 * idempotent (a destructive take, a claim, a session put) would then act twice. So on a cluster every call
 * goes through a pipeline, as batches do, which sends once: a lost reply fails the call with a
 * {@link JedisConnectionException} that says it may have been applied, and a MOVED reply (nothing ran) makes
 * the client read the slots again and send the calls once more, at most {@value #MAX_REDIRECTIONS} times.
 */
final class QueueScript implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueueScript.class);
  static final int SENDERS = 2;
  static final int MAX_BATCH = 256;
  static final int MAX_REDIRECTIONS = 2;

  private final UnifiedJedis redis;
  private final byte[] source;
  private final byte[] sha;
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final List<Sender> senders = new ArrayList<>();
  private volatile boolean closed;

  private final boolean cluster;

  /** What a sender sends: a script call, or a publish (SPUBLISH on a cluster). */
  private sealed interface Call {
    CompletableFuture<Object> result();
  }

  private record Eval(List<byte[]> keys, List<byte[]> args, CompletableFuture<Object> result) implements Call {}

  private record Publish(byte[] channel, byte[] data, CompletableFuture<Object> result) implements Call {}

  /** A script call that follows a reply and that nobody waits for on a sender thread (a take's drop). */
  private record Later(List<byte[]> keys, List<byte[]> args, CompletableFuture<Object> result) implements Call {}

  QueueScript(UnifiedJedis redis) {
    this.redis = redis;
    this.cluster = redis instanceof RedisClusterClient;
    try (InputStream in = QueueScript.class.getResourceAsStream("queue.lua")) {
      if (in == null) {
        throw new IllegalStateException("queue.lua is missing from the class path");
      }
      this.source = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.sha = sha1Hex(source);
    for (int i = 0; i < SENDERS; i++) {
      Sender t = new Sender(this, "mpr-redis-pipeline-" + (i + 1));
      t.setDaemon(true);
      senders.add(t);
      t.start();
    }
  }

  /** Runs one operation on the keys of one connection and waits for its answer. */
  Object run(List<byte[]> keys, List<byte[]> args) {
    if (Thread.currentThread() instanceof Sender s && s.script == this) {
      // called from an action that depends on a reply: waiting for the queue here could wait for itself
      if (cluster) {
        Eval eval = new Eval(keys, args, new CompletableFuture<>());
        sendPipelined(List.of(eval));
        return join(eval.result);
      }
      return evalsha(new Eval(keys, args, null));
    }
    return join(call(keys, args));
  }

  /** Waits for a call, rethrowing the store's own exception rather than its CompletionException. */
  static <T> T join(CompletableFuture<T> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Runs one operation on the keys of one connection; the future completes on a sender thread. */
  CompletableFuture<Object> call(List<byte[]> keys, List<byte[]> args) {
    return enqueue(new Eval(keys, args, new CompletableFuture<>()));
  }

  /**
   * Runs one operation that follows the reply of another, as a publish does: made on a sender thread (in a
   * completion), it is sent in that sender's next batch. Nothing may wait for it on a sender thread.
   */
  CompletableFuture<Object> callLater(List<byte[]> keys, List<byte[]> args) {
    return enqueue(new Later(keys, args, new CompletableFuture<>()));
  }

  /** Publishes to a channel (sharded on a cluster); the future completes on a sender thread. */
  CompletableFuture<Object> publish(byte[] channel, byte[] data) {
    return enqueue(new Publish(channel, data, new CompletableFuture<>()));
  }

  /**
   * Queues a call. A publish that a sender thread makes while it completes the calls of its batch (after an
   * append's reply) stays with that sender, which sends it in its next batch: the shared queue would wake
   * the other sender for it, one more thread hand-off per call. Only publishes: nobody waits for one, while
   * a script call made there may be waited for on that very thread (a synchronous store call in a
   * completion), which the other sender must then be free to answer.
   */
  private CompletableFuture<Object> enqueue(Call c) {
    if (closed) {
      c.result().completeExceptionally(new IllegalStateException("the Redis connection is closed"));
    } else if ((c instanceof Publish || c instanceof Later) && Thread.currentThread() instanceof Sender s
        && s.script == this) {
      s.followUps.add(c);
    } else {
      calls.add(c);
    }
    return c.result();
  }

  /** A sender thread, with the calls it queued itself. */
  private static final class Sender extends Thread {
    final QueueScript script;
    final ArrayDeque<Call> followUps = new ArrayDeque<>();

    Sender(QueueScript script, String name) {
      super(name);
      this.script = script;
    }

    @Override
    public void run() {
      script.send(this);
    }
  }

  private void send(Sender self) {
    List<Call> batch = new ArrayList<>(MAX_BATCH);
    ArrayDeque<Call> followUps = self.followUps;
    while (!closed) {
      try {
        Call first = followUps.poll();
        if (first == null) {
          first = calls.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
        }
        batch.add(first);
        while (batch.size() < MAX_BATCH && !followUps.isEmpty()) {
          batch.add(followUps.poll());
        }
        calls.drainTo(batch, MAX_BATCH - batch.size());
        if (batch.size() == 1 && first instanceof Eval eval && !cluster) {
          sendOne(eval);
        } else {
          sendPipelined(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        for (Call c : batch) {
          c.result().completeExceptionally(e);
        }
      } finally {
        batch.clear();
      }
    }
    Call c;
    while ((c = followUps.poll()) != null) {
      c.result().completeExceptionally(new IllegalStateException("the Redis connection is closed"));
    }
    failPending();
  }

  private void sendOne(Eval c) {
    Object reply;
    try {
      reply = evalsha(c);
    } catch (RuntimeException e) {
      c.result.completeExceptionally(e);
      return;
    }
    c.result.complete(reply);
  }

  private Object evalsha(Eval c) {
    try {
      return redis.evalsha(sha, c.keys, c.args);
    } catch (JedisNoScriptException e) {
      redis.scriptLoad(source, c.keys.get(0));
      return redis.evalsha(sha, c.keys, c.args);
    }
  }

  /**
   * Sends calls as one pipeline, each once. A call that did not run (NOSCRIPT, or MOVED on a cluster) is
   * sent again after the script was loaded or the slots read again; a call without a reply fails.
   */
  private void sendPipelined(List<Call> batch) {
    List<Call> toSend = batch;
    boolean loaded = false;
    for (int redirections = 0; !toSend.isEmpty(); redirections++) {
      List<Response<?>> responses = pipeline(toSend);
      List<Call> unloaded = new ArrayList<>();
      List<Call> moved = new ArrayList<>();
      for (int i = 0; i < toSend.size(); i++) {
        Call c = toSend.get(i);
        try {
          c.result().complete(responses.get(i).get());
        } catch (JedisMovedDataException e) {
          if (redirections < MAX_REDIRECTIONS) {
            moved.add(c);
          } else {
            c.result().completeExceptionally(e);
          }
        } catch (JedisDataException e) {
          if (isNoScript(e) && !loaded) {
            unloaded.add(c);
          } else {
            c.result().completeExceptionally(e);
          }
        } catch (IllegalStateException e) {
          // a cluster pipeline leaves the calls to a node whose connection failed without a reply
          c.result().completeExceptionally(new JedisConnectionException("no reply from Redis (the connection "
              + "failed after the call was sent): it may have been applied, and it was not sent again", e));
        } catch (RuntimeException e) {
          c.result().completeExceptionally(e);
        }
      }
      if (!unloaded.isEmpty()) {
        // Redis lost its scripts (a restart, a failover): load on every node once, then send these again
        preload();
        loaded = true;
      }
      if (!moved.isEmpty()) {
        // the slot moved (resharding, a failover): nothing ran; read the slots again and send these again
        ((RedisClusterClient) redis).refreshClusterTopology();
      }
      toSend = new ArrayList<>(unloaded);
      toSend.addAll(moved);
    }
  }

  private List<Response<?>> pipeline(List<Call> batch) {
    List<Response<?>> responses = new ArrayList<>(batch.size());
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (Call c : batch) {
        if (c instanceof Eval e) {
          responses.add(pipeline.evalsha(sha, e.keys, e.args));
        } else if (c instanceof Later e) {
          responses.add(pipeline.evalsha(sha, e.keys, e.args));
        } else if (c instanceof Publish p) {
          responses.add(cluster ? ((ClusterPipeline) pipeline).spublish(p.channel, p.data)
              : pipeline.publish(p.channel, p.data));
        }
      }
      pipeline.sync();
    }
    return responses;
  }

  /** Loads the script on every node (every master of a cluster), so that the first calls find it. */
  void preload() {
    if (redis instanceof RedisClusterClient cluster) {
      for (ConnectionPool pool : cluster.getClusterNodes().values()) {
        try (Connection c = pool.getResource(); Jedis node = new Jedis(c)) {
          node.scriptLoad(source);
        } catch (RuntimeException e) {
          log.debug("could not load the script on a node (a replica, or down): {}", e.toString());
        }
      }
    } else {
      redis.scriptLoad(new String(source, StandardCharsets.UTF_8));
    }
  }

  private static boolean isNoScript(JedisDataException e) {
    return e instanceof JedisNoScriptException || (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"));
  }

  private void failPending() {
    Call c;
    while ((c = calls.poll()) != null) {
      c.result().completeExceptionally(new IllegalStateException("the Redis connection is closed"));
    }
  }

  /** Stops the senders; calls still queued fail. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : senders) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failPending();
  }

  private static byte[] sha1Hex(byte[] data) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(data);
      return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
