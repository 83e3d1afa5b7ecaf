package io.github.mpr4j.push.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.PushDeduplicator;
import io.github.mpr4j.push.RetryPolicy;
import io.github.mpr4j.push.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lane between notify and the provider. The provider is a recording stand-in here (the real ones are
 * exercised against their mock servers in the *IT tests); everything else is the real lane.
 */
@Timeout(30)
class LaneTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A provider that records requests and answers when told to. */
  static final class Provider implements Sender {
    final List<PushRequest> requests = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Outcome>> answers = new CopyOnWriteArrayList<>();
    volatile boolean answerAtOnce = true;

    @Override
    public CompletableFuture<Outcome> send(PushRequest request) {
      requests.add(request);
      CompletableFuture<Outcome> f = new CompletableFuture<>();
      answers.add(f);
      if (answerAtOnce) {
        f.complete(Outcome.ACCEPTED);
      }
      return f;
    }

    @Override
    public void close() {}
  }

  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final ProviderMetrics metrics = new ProviderMetrics("apns");
  private final LiveSessions sessions = LiveSessions.local();
  private final Provider provider = new Provider();
  private Lane lane;

  @AfterEach
  void close() {
    if (lane != null) {
      lane.close(Duration.ZERO);
    }
    scheduler.shutdownNow();
  }

  private Lane lane(int capacity, int maxInFlight, Duration window) {
    lane = new Lane("apns", provider, capacity, maxInFlight, RetryPolicy.none(), sessions,
        PushDeduplicator.inProcess(), window, scheduler, metrics);
    return lane;
  }

  private static PushRequest request(String connectionId, String token) {
    return new PushRequest(connectionId, "m-" + System.nanoTime(), PushNotificationToken.apns(token));
  }

  @Test
  void aFullQueueDropsThePushAndCountsIt() throws Exception {
    provider.answerAtOnce = false;
    Lane l = lane(2, 1, Duration.ZERO);
    l.offer(request("c0", "t0"));
    Eventually.holds("the first push is in flight", WAIT, () -> provider.requests.size() == 1);
    l.offer(request("c1", "t1")); // taken by the dispatcher, which waits for a permit
    Eventually.holds("the dispatcher holds the second", WAIT, () -> metrics.snapshot().queued() == 0);
    l.offer(request("c2", "t2"));
    l.offer(request("c3", "t3"));
    l.offer(request("c4", "t4"));
    l.offer(request("c5", "t5"));
    assertEquals(Map.of("queue_full", 2L), metrics.snapshot().dropped());
    assertEquals(2, metrics.snapshot().queued());
    provider.answers.get(0).complete(Outcome.ACCEPTED);
    Eventually.holds("the queue drains as permits return", WAIT, () -> {
      provider.answers.forEach(f -> f.complete(Outcome.ACCEPTED));
      return metrics.snapshot().sent() == 4;
    });
    assertEquals(4, provider.requests.size());
  }

  @Test
  void aLiveSessionThatAppearedBeforeSendTimeSuppressesThePush() throws Exception {
    // the session is held on another instance: the shared registry is what counts
    sessions.put(new LiveSession("c-live", "s1", "instance-b", "holder-1"));
    Lane l = lane(10, 10, Duration.ZERO);
    l.offer(request("c-live", "t-live"));
    l.offer(request("c-off", "t-off"));
    Eventually.holds("both are handled", WAIT,
        () -> metrics.snapshot().skippedLive() == 1 && metrics.snapshot().sent() == 1);
    assertEquals(List.of("c-off"), provider.requests.stream().map(PushRequest::connectionId).toList());
  }

  @Test
  void aBurstForOneTokenWithinTheWindowSendsOnce() throws Exception {
    Lane l = lane(1000, 10, Duration.ofSeconds(30));
    for (int i = 0; i < 100; i++) {
      l.offer(request("c-burst", "t-burst"));
    }
    Eventually.holds("all 100 are accounted for", WAIT,
        () -> metrics.snapshot().sent() + metrics.snapshot().deduplicated() == 100);
    assertEquals(1, provider.requests.size());
    assertEquals(99, metrics.snapshot().deduplicated());
  }

  @Test
  void notificationsOfferedAfterCloseAreDropped() {
    Lane l = lane(10, 10, Duration.ZERO);
    l.close(Duration.ZERO);
    l.close(Duration.ZERO);
    l.offer(request("c-late", "t-late"));
    assertEquals(Map.of("shutdown", 1L), metrics.snapshot().dropped());
    assertEquals(0, provider.requests.size());
  }
}
