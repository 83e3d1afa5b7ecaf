package io.github.mpr4j.push.internal;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.TokenUtil;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.push.ApnsSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * APNs through Pushy: one long-lived client with one HTTP/2 connection and token authentication. Loaded only
 * when APNs is configured.
 */
public final class ApnsSender implements Sender {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long Apple keeps trying to deliver a notification to a device that is off. */
  private static final Duration EXPIRATION = Duration.ofDays(1);

  private final ApnsClient client;
  private final EventLoopGroup eventLoop;
  private final String topic;
  private final PushContent content;

  ApnsSender(ApnsSettings settings, PushContent content) throws IOException {
    this.topic = settings.topic();
    this.content = content;
    ApnsSigningKey key;
    try {
      key = ApnsSigningKey.loadFromPkcs8File(settings.signingKeyFile().toFile(), settings.teamId(), settings.keyId());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IOException("cannot load the APNs signing key " + settings.signingKeyFile() + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    // our own loop, so that close() does not wait for Netty's default 2 s quiet period
    @SuppressWarnings("deprecation")
    EventLoopGroup group = new io.netty.channel.nio.NioEventLoopGroup(1, new DefaultThreadFactory("mpr-push-apns-io", true));
    this.eventLoop = group;
    ApnsClientBuilder b = new ApnsClientBuilder()
        .setEventLoopGroup(group)
        .setApnsServer(settings.host(), settings.port())
        .setSigningKey(key)
        .setConcurrentConnections(1)
        .setConnectionTimeout(settings.connectTimeout());
    if (settings.trustedCaFile() != null) {
      b.setTrustedServerCertificateChain(settings.trustedCaFile().toFile());
    }
    try {
      this.client = b.build();
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Opens the provider; the SDK's classes load here first. */
  public static Sender open(ApnsSettings settings, PushContent content) throws IOException {
    return new ApnsSender(settings, content);
  }

  @Override
  public CompletableFuture<Outcome> send(PushRequest request) {
    String token = TokenUtil.sanitizeTokenString(request.token().token());
    SimpleApnsPushNotification n = content.dataOnly()
        ? new SimpleApnsPushNotification(token, topic, payload(request, content), Instant.now().plus(EXPIRATION),
            DeliveryPriority.CONSERVE_POWER, PushType.BACKGROUND)
        : new SimpleApnsPushNotification(token, topic, payload(request, content), Instant.now().plus(EXPIRATION),
            DeliveryPriority.IMMEDIATE, PushType.ALERT, PushContent.COLLAPSE_KEY);
    return client.sendNotification(n).handle((response, ex) -> {
      if (ex != null) {
        return Outcome.transientFailure(ex.toString());
      }
      if (response.isAccepted()) {
        return Outcome.ACCEPTED;
      }
      String reason = response.getRejectionReason().orElse("status " + response.getStatusCode());
      return classify(response.getStatusCode(), reason);
    });
  }

  /**
   * The payload, shaped as the TypeScript server's: {@code aps} with {@code content-available} and (unless
   * data-only) the alert, then {@code @type} and {@code message_id} at the top level.
   */
  static String payload(PushRequest request, PushContent content) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode aps = root.putObject("aps");
    if (!content.dataOnly()) {
      ObjectNode alert = aps.putObject("alert");
      alert.put("title", content.title());
      alert.put("body", content.body());
    }
    aps.put("content-available", 1);
    root.put("@type", PushContent.APNS_TYPE);
    root.put("message_id", request.messageId());
    return root.toString();
  }

  static Outcome classify(int status, String reason) {
    switch (reason) {
      case "Unregistered":
        return Outcome.permanent(Outcome.UNREGISTERED, status + " " + reason);
      case "BadDeviceToken":
      case "DeviceTokenNotForTopic":
        return Outcome.permanent(Outcome.INVALID_TOKEN, status + " " + reason);
      case "TooManyRequests":
      case "InternalServerError":
      case "ServiceUnavailable":
      case "Shutdown":
      case "IdleTimeout":
      case "ExpiredProviderToken":
        return Outcome.transientFailure(status + " " + reason);
      default:
        return status >= 500 || status == 429
            ? Outcome.transientFailure(status + " " + reason)
            : Outcome.permanent(Outcome.REJECTED, status + " " + reason);
    }
  }

  @Override
  public void close() {
    try {
      client.close().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing anyway
    }
    eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
  }
}
