package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The MPR_CALLBACK_* variables. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackConfigTest {

  private static CallbackConfig read(Map<String, String> env) {
    return ServerConfig.fromEnvironment(env).callback();
  }

  @Test
  void the_defaults_are_documented_ones() {
    CallbackConfig c = read(Map.of());
    assertEquals(List.of(), c.keys());
    assertFalse(c.keysRequired());
    assertEquals(Duration.ofHours(1), c.notificationTtl());
    assertEquals(Duration.ofHours(24), c.idleExpiry());
    assertEquals(65536, c.maxBodyBytes());
    assertEquals(1000, c.maxPending());
    assertEquals(60, c.registrationsPerMinute());
    assertNull(c.baseUrl());
    assertEquals(c, CallbackConfig.defaults());
  }

  @Test
  void every_variable_is_read() {
    CallbackConfig c = read(Map.of("MPR_CALLBACK_KEYS", " a , b ", "MPR_CALLBACK_TTL_MS", "5000",
        "MPR_CALLBACK_IDLE_MS", "7000", "MPR_CALLBACK_MAX_BODY_BYTES", "100", "MPR_CALLBACK_MAX_PENDING", "3",
        "MPR_CALLBACK_REGISTRATIONS_PER_MINUTE", "9", "MPR_CALLBACK_BASE_URL", "https://gw.example.com/"));
    assertEquals(List.of("a", "b"), c.keys());
    assertEquals(Duration.ofSeconds(5), c.notificationTtl());
    assertEquals(Duration.ofSeconds(7), c.idleExpiry());
    assertEquals(100, c.maxBodyBytes());
    assertEquals(3, c.maxPending());
    assertEquals(9, c.registrationsPerMinute());
    assertEquals("https://gw.example.com", c.baseUrl());
  }

  @Test
  void a_wrong_value_names_its_variable() {
    assertEquals("MPR_CALLBACK_TTL_MS", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_CALLBACK_TTL_MS", "0"))).variable());
    assertEquals("MPR_CALLBACK_MAX_PENDING", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_CALLBACK_MAX_PENDING", "many"))).variable());
    assertEquals("MPR_CALLBACK_BASE_URL", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_CALLBACK_BASE_URL", "ftp://x"))).variable());
    assertEquals("MPR_CALLBACK_KEYS", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_CALLBACK_KEYS", " , "))).variable());
  }

  @Test
  void the_keys_never_appear_in_the_description() {
    ServerConfig c = ServerConfig.fromEnvironment(Map.of("MPR_CALLBACK_KEYS", "very-secret-key"));
    assertFalse(c.describe().contains("very-secret-key"));
    assertFalse(c.toString().contains("very-secret-key"));
    assertTrue(c.describe().contains("MPR_CALLBACK_KEYS=1 keys"));
  }

  @Test
  void browser_authentication_is_off_by_default_and_read_with_its_defaults_when_the_url_is_set() {
    assertNull(read(Map.of()).auth());
    assertEquals(Duration.ZERO, read(Map.of()).unusedTtl());
    CallbackAuthConfig a = read(Map.of("MPR_CALLBACK_AUTH_URL", "https://api.example.com/check")).auth();
    assertEquals("https://api.example.com/check", a.url().toString());
    assertEquals(Duration.ofSeconds(2), a.timeout());
    assertEquals(Duration.ofMinutes(1), a.cacheTtl());
    assertEquals(Duration.ofSeconds(5), a.negativeCacheTtl());
    assertEquals(10_000, a.cacheEntries());
    assertEquals(100, a.maxBrowsersPerUser());
    CallbackConfig c = read(Map.of("MPR_CALLBACK_AUTH_URL", "http://127.0.0.1:9/a", "MPR_CALLBACK_AUTH_TIMEOUT_MS", "300",
        "MPR_CALLBACK_AUTH_CACHE_MS", "0", "MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS", "7", "MPR_CALLBACK_AUTH_CACHE_ENTRIES",
        "3", "MPR_CALLBACK_MAX_BROWSERS_PER_USER", "2", "MPR_CALLBACK_UNUSED_TTL_MS", "600000"));
    assertEquals(new CallbackAuthConfig(java.net.URI.create("http://127.0.0.1:9/a"), Duration.ofMillis(300), Duration.ZERO,
        Duration.ofMillis(7), 3, 2), c.auth());
    assertEquals(Duration.ofMinutes(10), c.unusedTtl());
  }

  @Test
  void a_wrong_authentication_setting_names_its_variable() {
    for (Map<String, String> env : java.util.List.of(Map.of("MPR_CALLBACK_AUTH_URL", "ftp://x/y"),
        Map.of("MPR_CALLBACK_AUTH_URL", "not a url"),
        Map.of("MPR_CALLBACK_AUTH_URL", "http://h/a", "MPR_CALLBACK_AUTH_TIMEOUT_MS", "0"),
        Map.of("MPR_CALLBACK_AUTH_URL", "http://h/a", "MPR_CALLBACK_AUTH_CACHE_ENTRIES", "0"),
        Map.of("MPR_CALLBACK_UNUSED_TTL_MS", "-1"))) {
      String name = env.size() == 1 ? env.keySet().iterator().next()
          : env.keySet().stream().filter(k -> !k.equals("MPR_CALLBACK_AUTH_URL")).findFirst().orElseThrow();
      assertEquals(name, assertThrows(ConfigurationException.class, () -> read(env)).variable(), env.toString());
    }
  }

  @Test
  void the_auth_urls_credentials_and_query_never_appear_in_the_description() {
    String d = ServerConfig.fromEnvironment(Map.of("MPR_CALLBACK_AUTH_URL", "https://u:pw@api.example.com/check?k=secret"))
        .describe();
    assertFalse(d.contains("pw"), d);
    assertFalse(d.contains("secret"), d);
    assertTrue(d.contains("MPR_CALLBACK_AUTH_URL=https://***@api.example.com/check"), d);
  }

  @Test
  void web_push_is_off_without_keys_and_needs_both_keys_and_a_subject() {
    assertNull(read(Map.of()).webPush());
    String[] keys = io.github.mpr4j.push.WebPushSettings.generateKeys();
    assertEquals("MPR_WEBPUSH_VAPID_PRIVATE_KEY", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0]))).variable());
    assertEquals("MPR_WEBPUSH_SUBJECT", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0], "MPR_WEBPUSH_VAPID_PRIVATE_KEY", keys[1]))).variable());
    String[] other = io.github.mpr4j.push.WebPushSettings.generateKeys();
    assertEquals("MPR_WEBPUSH_VAPID_PRIVATE_KEY", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0], "MPR_WEBPUSH_VAPID_PRIVATE_KEY", other[1],
            "MPR_WEBPUSH_SUBJECT", "mailto:a@example.com"))).variable(), "not a pair");
    assertEquals("MPR_WEBPUSH_URGENCY", assertThrows(ConfigurationException.class,
        () -> read(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0], "MPR_WEBPUSH_VAPID_PRIVATE_KEY", keys[1],
            "MPR_WEBPUSH_SUBJECT", "mailto:a@example.com", "MPR_WEBPUSH_URGENCY", "asap"))).variable());
    io.github.mpr4j.push.WebPushSettings w = read(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0],
        "MPR_WEBPUSH_VAPID_PRIVATE_KEY", keys[1], "MPR_WEBPUSH_SUBJECT", "https://example.com/contact")).webPush();
    assertEquals(Duration.ofHours(1), w.ttl());
    assertEquals("normal", w.urgency());
    assertEquals(io.github.mpr4j.push.WebPushSettings.DEFAULT_ENDPOINT_HOSTS, w.endpointHosts());
    assertTrue(w.allowsHost("updates.push.services.mozilla.com"));
    assertFalse(w.allowsHost("evil-push.services.mozilla.com.example"));
    String d = ServerConfig.fromEnvironment(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", keys[0],
        "MPR_WEBPUSH_VAPID_PRIVATE_KEY", keys[1], "MPR_WEBPUSH_SUBJECT", "mailto:a@example.com")).describe();
    assertFalse(d.contains(keys[1]), "the private key never appears");
    assertTrue(d.contains(keys[0]));
  }
}
