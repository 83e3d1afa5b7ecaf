package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.DeliveryBus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The delivery bus on Redis pub/sub: one channel per instance, so an event goes to the one instance it is
 * for. On a Redis Cluster the channel is sharded (SPUBLISH / SSUBSCRIBE, Redis 7): it lives on the node
 * that owns its slot, and no message is broadcast to every node. Delivery is at most once: an event
 * published while the subscriber is reconnecting is lost, and its messages come back to pending at their
 * visibility deadline.
 */
final class RedisDeliveryBus implements DeliveryBus {
  private static final Logger log = LoggerFactory.getLogger(RedisDeliveryBus.class);
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  private static final int MAX_QUEUED_EVENTS = 100_000;

  private final RedisKeys keys;
  private final UnifiedJedis client;
  private final boolean cluster;
  private final long subscribeWaitMillis;
  private final String instanceId;
  private final RedisLiveSessions sessions;
  private final AtomicLong publishFailures = new AtomicLong();
  private final CountDownLatch firstSubscription = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean subscribed;
  private volatile Thread subscriber;
  private volatile BinaryJedisPubSub plain;
  private volatile BinaryJedisShardedPubSub sharded;
  private final QueueScript pipeline;
  private final AtomicInteger publishing = new AtomicInteger();

  RedisDeliveryBus(RedisKeys keys, QueueScript pipeline, UnifiedJedis client, RedisSettings settings,
      String instanceId, RedisLiveSessions sessions) {
    this.keys = keys;
    this.pipeline = pipeline;
    this.client = client;
    this.cluster = settings.isCluster();
    this.subscribeWaitMillis = settings.timeout().toMillis() * 2;
    this.instanceId = instanceId;
    this.sessions = sessions;
  }

  @Override
  public synchronized void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    if (!instanceId.equals(this.instanceId)) {
      throw new IllegalArgumentException("this bus belongs to instance " + this.instanceId + ", not "
          + instanceId);
    }
    if (subscriber != null) {
      throw new IllegalStateException("already subscribed");
    }
    byte[] channel = keys.channel(instanceId);
    Thread t = new Thread(() -> listen(channel, consumer), "mpr-redis-bus");
    t.setDaemon(true);
    subscriber = t;
    t.start();
    try {
      if (!firstSubscription.await(subscribeWaitMillis, TimeUnit.MILLISECONDS)) {
        log.warn("the delivery bus is not subscribed yet; it keeps trying in the background");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void listen(byte[] channel, Consumer<BusEvent> consumer) {
    long backoff = 50;
    while (!closed) {
      try {
        if (cluster) {
          BinaryJedisShardedPubSub s = new BinaryJedisShardedPubSub() {
            @Override
            public void onSMessage(byte[] ch, byte[] message) {
              dispatch(message, consumer);
            }

            @Override
            public void onSSubscribe(byte[] ch, int count) {
              onSubscribed();
            }
          };
          sharded = s;
          if (closed) {
            return;
          }
          ((RedisClusterClient) client).ssubscribe(s, channel);
        } else {
          BinaryJedisPubSub s = new BinaryJedisPubSub() {
            @Override
            public void onMessage(byte[] ch, byte[] message) {
              dispatch(message, consumer);
            }

            @Override
            public void onSubscribe(byte[] ch, int count) {
              onSubscribed();
            }
          };
          plain = s;
          if (closed) {
            return;
          }
          client.subscribe(s, channel);
        }
        backoff = 50;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        if (subscribed) {
          log.warn("the delivery bus lost its subscription, resubscribing: {}", e.toString());
        }
        subscribed = false;
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  private void onSubscribed() {
    if (!subscribed) {
      subscribed = true;
      firstSubscription.countDown();
      log.debug("delivery bus subscribed");
    }
  }

  private void dispatch(byte[] message, Consumer<BusEvent> consumer) {
    BusEvent event;
    try {
      event = BusCodec.decode(message);
    } catch (RuntimeException e) {
      log.warn("ignoring a malformed bus event: {}", e.toString());
      return;
    }
    if (event instanceof BusEvent.SessionEnded ended) {
      sessions.forgetOwn(ended.session()); // replaced: not ours to put back any more
    }
    try {
      consumer.accept(event);
    } catch (RuntimeException e) {
      log.warn("bus event consumer failed: {}", e.toString());
    }
  }

  /** Whether the subscription is up (events addressed to this instance arrive). */
  boolean isSubscribed() {
    return subscribed;
  }

  /**
   * Queues the event on the store's pipeline, which sends it with the calls that have gathered; more than
   * {@value #MAX_QUEUED_EVENTS} events waiting, or a failed send, drop events (at most once), counted and
   * logged.
   */
  @Override
  public void publish(String instanceId, BusEvent event) {
    if (closed) {
      return;
    }
    if (publishing.incrementAndGet() > MAX_QUEUED_EVENTS) {
      publishing.decrementAndGet();
      dropped(instanceId, new IllegalStateException("too many events wait to be published"));
      return;
    }
    pipeline.publish(keys.channel(instanceId), BusCodec.encode(event)).whenComplete((receivers, failure) -> {
      publishing.decrementAndGet();
      if (failure != null) {
        dropped(instanceId, failure);
      }
    });
  }

  private void dropped(String to, Throwable e) {
    // at most once: the messages stay sending and return to pending at their deadline
    long n = publishFailures.incrementAndGet();
    if (n == 1 || n % 1000 == 0) {
      log.warn("could not publish to instance {} ({} failures so far): {}", to, n, e.toString());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      BinaryJedisPubSub p = plain;
      if (p != null && p.isSubscribed()) {
        p.unsubscribe();
      }
      BinaryJedisShardedPubSub s = sharded;
      if (s != null && s.isSubscribed()) {
        s.sunsubscribe();
      }
    } catch (RuntimeException e) {
      log.debug("unsubscribe failed: {}", e.toString());
    }
    Thread t = subscriber;
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
