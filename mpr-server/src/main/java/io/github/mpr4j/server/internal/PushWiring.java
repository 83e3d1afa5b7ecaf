package io.github.mpr4j.server.internal;

import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.push.ApnsSettings;
import io.github.mpr4j.push.FcmSettings;
import io.github.mpr4j.push.PushDeduplicator;
import io.github.mpr4j.push.PushService;
import io.github.mpr4j.push.WebPushSettings;
import io.github.mpr4j.core.spi.PushRequest;
import java.util.function.Consumer;
import io.github.mpr4j.server.PushConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the server's push service from its configuration; a provider that cannot be set up is left off. */
final class PushWiring {
  private static final Logger log = LoggerFactory.getLogger(PushWiring.class);

  private PushWiring() {}

  static PushService open(PushConfig c, LiveSessions liveSessions, PushDeduplicator deduplicator) {
    return open(c, null, liveSessions, deduplicator, r -> { });
  }

  /** With Web Push for the callback gateway (null: off) and a listener of tokens the providers say are gone. */
  static PushService open(PushConfig c, WebPushSettings webPush, LiveSessions liveSessions,
      PushDeduplicator deduplicator, Consumer<PushRequest> onUnregistered) {
    PushService.Builder b = PushService.builder()
        .deduplicator(deduplicator)
        .title(c.title())
        .body(c.body())
        .dataOnly(c.dataOnly())
        .dedupWindow(c.dedupWindow())
        .queueCapacity(c.queueCapacity())
        .liveSessions(liveSessions)
        .webPush(webPush)
        .onUnregistered(onUnregistered);
    if (c.firebaseCfgFile() == null) {
      log.info("FCM push is off: {} is not set", PushConfig.FIREBASE_CFG_FILE);
    } else {
      b.fcm(new FcmSettings(c.firebaseCfgFile(), c.fcmEndpoint() != null ? c.fcmEndpoint() : FcmSettings.DEFAULT_ENDPOINT,
          c.fcmMaxInFlight(), Duration.ofSeconds(10)));
    }
    b.apns(apns(c));
    return b.build();
  }

  private static ApnsSettings apns(PushConfig c) {
    List<String> missing = new ArrayList<>();
    if (c.apnsCfgFile() == null) {
      missing.add(PushConfig.APNS_CFG_FILE);
    }
    if (c.apnsKeyFile() == null) {
      missing.add(PushConfig.APNS_PATH_KEY);
    }
    if (c.apnsTopic() == null) {
      missing.add(PushConfig.APNS_TOPIC);
    }
    if (missing.size() == 3) {
      log.info("APNs push is off: {}, {} and {} are not set", PushConfig.APNS_CFG_FILE, PushConfig.APNS_PATH_KEY,
          PushConfig.APNS_TOPIC);
      return null;
    }
    if (!missing.isEmpty()) {
      log.warn("APNs push is off: {} not set ({}, {} and {} are all needed)", String.join(" and ", missing)
          + (missing.size() == 1 ? " is" : " are"), PushConfig.APNS_CFG_FILE, PushConfig.APNS_PATH_KEY,
          PushConfig.APNS_TOPIC);
      return null;
    }
    try {
      ApnsSettings s = ApnsSettings.fromConfigFile(c.apnsCfgFile(), c.apnsKeyFile(), c.apnsTopic());
      if (c.apnsServer() != null || c.apnsTrustedCa() != null) {
        s = s.withServer(c.apnsServer() != null ? c.apnsServerHost() : s.host(),
            c.apnsServer() != null ? c.apnsServerPort() : s.port(), c.apnsTrustedCa());
      }
      return s.withMaxInFlight(c.apnsMaxInFlight());
    } catch (RuntimeException e) {
      log.warn("APNs push is off: {} {}: {}", PushConfig.APNS_CFG_FILE, c.apnsCfgFile(), e.getMessage());
      return null;
    }
  }
}
