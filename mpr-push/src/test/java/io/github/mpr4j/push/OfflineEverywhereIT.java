package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.push.testing.MockApns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pickup queues (instances) sharing a store and the live-session registry, each with its own push
 * service, in front of Pushy's mock APNs server: a recipient live on one instance is never pushed by the
 * other.
 */
@Timeout(60)
class OfflineEverywhereIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private static AddMessageOptions message(String connectionId, String token) {
    return AddMessageOptions.of(connectionId, List.of("did:key:r"), EncryptedMessage.ofJson("{\"ciphertext\":\"x\"}"))
        .withPushNotificationToken(PushNotificationToken.apns(token));
  }

  @Test
  void aRecipientLiveOnAnotherInstanceIsNotPushedAndIsOnceItLeaves() throws Exception {
    try (MockApns apns = new MockApns(dir)) {
      ApnsSettings settings = ApnsSettings.fromConfigFile(apns.writeConfig(dir), apns.keyFile(), MockApns.TOPIC)
          .withServer("127.0.0.1", apns.port(), apns.caFile());
      LiveSessions sessions = LiveSessions.local();
      DeliveryBus bus = DeliveryBus.local();
      var store = QueueStores.inMemory();
      try (PushService pushA = PushService.builder().apns(settings).liveSessions(sessions).build();
           PushService pushB = PushService.builder().apns(settings).liveSessions(sessions).build();
           PickupQueue a = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus)
               .pushNotifier(pushA).build();
           PickupQueue b = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus)
               .pushNotifier(pushB).build()) {
        String token = apns.registerToken();
        MessagePickupRepository onA = a.openRepository();
        MessagePickupRepository onB = b.openRepository();
        onA.addLiveSession(new AddLiveSessionOptions("c1", "s-a")).join();

        onB.addMessage(message("c1", token)).join();
        assertNull(apns.nextAccepted(Duration.ofMillis(500)), "live on instance A: no push from B");
        assertEquals(0, pushB.stats().provider("apns").sent());

        onA.removeLiveSession(new RemoveLiveSessionOptions("c1", "s-a")).join();
        String id = onB.addMessage(message("c1", token)).join();
        MockApns.Received r = apns.nextAccepted(WAIT);
        assertNotNull(r, "offline everywhere: one push");
        assertEquals(id, new ObjectMapper().readTree(r.payload()).get("message_id").asText());
        assertNull(apns.nextAccepted(Duration.ofMillis(300)));
      }
    }
  }
}
