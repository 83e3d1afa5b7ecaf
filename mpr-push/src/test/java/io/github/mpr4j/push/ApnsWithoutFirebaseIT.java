package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.testing.MockApns;
import io.github.mpr4j.push.testing.MockFcm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that uses APNs alone: firebase-admin, an optional dependency of mpr-push, is not on the
 * classpath (this class runs in its own failsafe execution that leaves it out).
 */
@Timeout(120)
class ApnsWithoutFirebaseIT {
  @TempDir
  Path dir;

  @Test
  void firebaseIsNotOnTheClasspathOfThisTest() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("com.google.firebase.FirebaseApp"));
  }

  @Test
  void apnsSendsAndAConfiguredFcmIsOffNamingTheLibraryToAdd() throws Exception {
    try (MockApns apns = new MockApns(dir); MockFcm fcm = new MockFcm()) {
      ApnsSettings settings = ApnsSettings.fromConfigFile(apns.writeConfig(dir), apns.keyFile(), MockApns.TOPIC)
          .withServer("127.0.0.1", apns.port(), apns.caFile());
      String token = apns.registerToken();
      try (PushService push = PushService.builder().apns(settings)
          .fcm(FcmSettings.of(fcm.writeServiceAccount(dir)).withEndpoint(fcm.endpoint())).build()) {
        assertEquals(Set.of(PushService.APNS), push.providers());
        String reason = push.unavailable().get(PushService.FCM);
        assertNotNull(reason, "FCM is listed as unavailable");
        assertTrue(reason.contains("firebase-admin is not on the classpath")
            && reason.contains("com.google.firebase:firebase-admin"), reason);

        push.notify(new PushRequest("c-1", "m-1", PushNotificationToken.apns(token)));
        assertNotNull(apns.nextAccepted(Duration.ofSeconds(15)), "the mock APNs server accepted the notification");
        assertEquals(0, fcm.sendRequests(), "nothing went to FCM");
      }
    }
  }
}
