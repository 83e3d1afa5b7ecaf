package io.github.mpr4j.push;

import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.internal.ApnsSender;
import io.github.mpr4j.push.internal.FcmSender;
import io.github.mpr4j.push.internal.Lane;
import io.github.mpr4j.push.internal.ProviderMetrics;
import io.github.mpr4j.push.internal.PushContent;
import io.github.mpr4j.push.internal.Sender;
import io.github.mpr4j.push.internal.WebPushSender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push notifier of the pickup queue: sends one FCM or APNs notification per token and de-duplication
 * window, only to recipients with no live session at send time, without ever blocking the caller.
 *
 * <pre>{@code
 * PushService push = PushService.builder()
 *     .apns(ApnsSettings.fromConfigFile(cfg, key, "org.example.app"))
 *     .liveSessions(liveSessions)
 *     .build();
 * PickupQueue queue = PickupQueue.builder().pushNotifier(push)...build();
 * }</pre>
 *
 * <p>Each provider has its own bounded queue and dispatcher thread ({@code mpr-push-fcm}, {@code
 * mpr-push-apns}). {@link #notify} queues and returns; a full queue drops the notification (counted), never
 * the message. At send time the dispatcher re-checks the connection's live session, then takes the token's
 * slot from the {@link PushDeduplicator}; only then is the provider called. A configured provider whose
 * configuration cannot be loaded, or whose library is not on the classpath (Pushy for APNs, firebase-admin
 * for FCM: optional dependencies, added by the application that uses them), is left off, logged at WARN and
 * listed by {@link #unavailable()}.
 */
public final class PushService implements PushNotifier {
  private static final Logger log = LoggerFactory.getLogger(PushService.class);

  /** The provider names, which are also the token types. */
  public static final String FCM = PushNotificationToken.FCM;
  public static final String APNS = PushNotificationToken.APNS;
  /** Web Push: the token is a browser's subscription as JSON ({@link WebPushSettings}). */
  public static final String WEBPUSH = "webpush";

  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Map<String, ProviderMetrics> metrics = new LinkedHashMap<>();
  private final Map<String, String> unavailable = new LinkedHashMap<>();
  private final ScheduledThreadPoolExecutor scheduler;
  private volatile boolean closed;

  private PushService(Builder b) {
    metrics.put(FCM, new ProviderMetrics(FCM));
    metrics.put(APNS, new ProviderMetrics(APNS));
    metrics.put(WEBPUSH, new ProviderMetrics(WEBPUSH));
    scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "mpr-push-retry");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    PushContent content = new PushContent(b.title, b.body, b.dataOnly);
    if (b.fcm != null) {
      Sender s = open(FCM, () -> FcmSender.open(b.fcm, content));
      if (s != null) {
        lanes.put(FCM, new Lane(FCM, s, b.queueCapacity, b.fcm.maxInFlight(), b.retryPolicy, b.liveSessions,
            b.deduplicator, b.dedupWindow, scheduler, metrics.get(FCM), b.onUnregistered));
        log.info("FCM push is on: project from {}, endpoint {}", b.fcm.serviceAccountFile(), b.fcm.endpoint());
      }
    }
    if (b.apns != null) {
      Sender s = open(APNS, () -> ApnsSender.open(b.apns, content));
      if (s != null) {
        lanes.put(APNS, new Lane(APNS, s, b.queueCapacity, b.apns.maxInFlight(), b.retryPolicy, b.liveSessions,
            b.deduplicator, b.dedupWindow, scheduler, metrics.get(APNS), b.onUnregistered));
        log.info("APNs push is on: topic {}, server {}:{}", b.apns.topic(), b.apns.host(), b.apns.port());
      }
    }
    openWebPush(b, content);
  }

  private void openWebPush(Builder b, PushContent content) {
    if (b.webPush == null) {
      return;
    }
    Sender s = open(WEBPUSH, () -> WebPushSender.open(b.webPush, content));
    if (s != null) {
      lanes.put(WEBPUSH, new Lane(WEBPUSH, s, b.queueCapacity, b.webPush.maxInFlight(), b.retryPolicy, b.liveSessions,
          b.deduplicator, b.dedupWindow, scheduler, metrics.get(WEBPUSH), b.onUnregistered));
      log.info("Web Push is on: VAPID subject {}, push services {}", b.webPush.subject(), b.webPush.endpointHosts());
    }
  }

  private interface Opener {
    Sender open() throws Exception;
  }

  private Sender open(String provider, Opener opener) {
    String missing = missingLibrary(provider);
    if (missing != null) {
      unavailable.put(provider, missing);
      log.warn("{} push is off: {}", name(provider), missing);
      return null;
    }
    try {
      return opener.open();
    } catch (Exception | LinkageError e) {
      String reason = e instanceof LinkageError || e.getMessage() == null ? e.toString() : e.getMessage();
      unavailable.put(provider, reason);
      log.warn("{} push is off: its configuration could not be loaded: {}", name(provider), reason);
      return null;
    }
  }

  /**
   * Null when the provider's library is on the classpath, else what to add: the libraries are optional
   * dependencies of mpr-push, so that an application carries only the provider it uses.
   */
  static String missingLibrary(String provider) {
    boolean fcm = FCM.equals(provider);
    String probe = fcm ? "com.google.firebase.messaging.FirebaseMessaging" : "com.eatthepath.pushy.apns.ApnsClient";
    try {
      Class.forName(probe, false, PushService.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return (fcm ? "firebase-admin" : "Pushy") + " is not on the classpath (add the dependency "
          + (fcm ? "com.google.firebase:firebase-admin" : "com.eatthepath:pushy") + ", see docs/push.md)";
    }
  }

  private static String name(String provider) {
    return FCM.equals(provider) ? "FCM" : APNS.equals(provider) ? "APNs" : "Web Push";
  }

  /** A builder with the defaults: no provider, in-process de-duplication for 5 s, 10,000 queued per provider. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Queues a notification for the provider of its token type. Never blocks and never throws; without that
   * provider, after {@link #close()}, or with a full queue, the notification is dropped and counted.
   */
  @Override
  public void notify(PushRequest request) {
    if (request == null || request.token().token() == null) {
      return;
    }
    String type = request.token().type();
    Lane lane = lanes.get(type);
    if (lane == null || closed) {
      ProviderMetrics m = metrics.get(type);
      if (m != null) {
        m.dropped(closed ? "shutdown" : "provider_off");
      }
      return;
    }
    lane.offer(request);
  }

  /** The providers that are on. */
  public Set<String> providers() {
    return new TreeSet<>(lanes.keySet());
  }

  /** The providers that were configured but could not be opened, with the reason. */
  public Map<String, String> unavailable() {
    return Map.copyOf(unavailable);
  }

  /** A snapshot of the counters of both providers. */
  public PushStats stats() {
    Map<String, PushStats.Provider> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(k, v.snapshot()));
    return new PushStats(out);
  }

  /**
   * Stops taking notifications, lets those in flight finish for up to 2 s, then closes the providers.
   * Idempotent and safe from any thread.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lanes.values().forEach(l -> l.close(Duration.ofSeconds(2)));
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Settings of a {@link PushService}; {@link #build()} opens the configured providers. */
  public static final class Builder {
    private FcmSettings fcm;
    private ApnsSettings apns;
    private String title = "New message";
    private String body = "You have new messages";
    private boolean dataOnly;
    private Duration dedupWindow = Duration.ofSeconds(5);
    private PushDeduplicator deduplicator;
    private int queueCapacity = 10_000;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private LiveSessions liveSessions;
    private WebPushSettings webPush;
    private java.util.function.Consumer<PushRequest> onUnregistered = r -> { };

    private Builder() {}

    /** Sends Web Push messages ({@value PushService#WEBPUSH} tokens: subscriptions); null leaves it off. */
    public Builder webPush(WebPushSettings webPush) {
      this.webPush = webPush;
      return this;
    }

    /**
     * Told, on a push thread, when a provider says a token is gone for good (FCM unregistered, APNs
     * unregistered, Web Push 404/410), so that its owner can forget it; must not block.
     */
    public Builder onUnregistered(java.util.function.Consumer<PushRequest> listener) {
      this.onUnregistered = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Sends FCM notifications ({@code fcm} tokens); null leaves FCM off. */
    public Builder fcm(FcmSettings fcm) {
      this.fcm = fcm;
      return this;
    }

    /** Sends APNs notifications ({@code apns} tokens); null leaves APNs off. */
    public Builder apns(ApnsSettings apns) {
      this.apns = apns;
      return this;
    }

    /** The alert's title ({@code MPR_PUSH_TITLE}). */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /** The alert's text ({@code MPR_PUSH_BODY}). */
    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * Silent notifications only ({@code NOTIFICATION_DATA_ONLY}): FCM messages without a notification
     * part, APNs background notifications (no alert, priority 5 as Apple requires for them).
     */
    public Builder dataOnly(boolean dataOnly) {
      this.dataOnly = dataOnly;
      return this;
    }

    /** At most one push per token within this window ({@code MPR_PUSH_DEDUP_WINDOW_MS}); 0 turns it off. */
    public Builder dedupWindow(Duration window) {
      this.dedupWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /** Where the de-duplication slots live; {@link PushDeduplicator#inProcess()} by default. */
    public Builder deduplicator(PushDeduplicator deduplicator) {
      this.deduplicator = deduplicator;
      return this;
    }

    /** Notifications each provider's queue holds before dropping new ones ({@code MPR_PUSH_QUEUE_CAPACITY}). */
    public Builder queueCapacity(int capacity) {
      this.queueCapacity = capacity;
      return this;
    }

    /** How transient failures are retried. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The live sessions to re-check at send time (the queue's, cluster-wide when shared); null: no re-check
     * beyond the core's at addMessage.
     */
    public Builder liveSessions(LiveSessions liveSessions) {
      this.liveSessions = liveSessions;
      return this;
    }

    /**
     * Opens the configured providers and starts their dispatchers.
     *
     * @throws IllegalArgumentException naming a setting that is out of range
     */
    public PushService build() {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, not " + queueCapacity);
      }
      if (dedupWindow.isNegative()) {
        throw new IllegalArgumentException("dedupWindow must not be negative, not " + dedupWindow);
      }
      if (deduplicator == null) {
        deduplicator = PushDeduplicator.inProcess();
      }
      if (dedupWindow.isZero()) {
        deduplicator = (key, window) -> true;
      }
      return new PushService(this);
    }
  }
}
