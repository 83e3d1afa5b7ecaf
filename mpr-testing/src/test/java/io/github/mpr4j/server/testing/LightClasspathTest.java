package io.github.mpr4j.server.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * What {@code mpr-testing} brings into a user's tests: this module's test classpath is its dependencies,
 * as a project that adds it in test scope gets them.
 */
class LightClasspathTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "redis.clients.jedis.Jedis",                 // Redis driver
      "com.mongodb.client.MongoClient",            // MongoDB driver
      "com.google.firebase.FirebaseApp",           // FCM
      "com.eatthepath.pushy.apns.ApnsClient",      // APNs
      "ch.qos.logback.classic.Logger",             // a logging binding
      "org.h2.mvstore.MVStore",                    // the embedded store
  })
  void noDriverPushProviderOrLoggingLibraryIsOnTheClasspath(String className) {
    assertThrows(ClassNotFoundException.class, () -> Class.forName(className, false, getClass().getClassLoader()));
  }

  @Test
  void noSlf4jBindingIsOnTheClasspath() {
    assertFalse(ServiceLoader.load(SLF4JServiceProvider.class).iterator().hasNext());
  }
}
