package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.mongo.MongoSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ServerConfigTest {

  private static ServerConfig read(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return ServerConfig.fromEnvironment(env);
  }

  private static ConfigurationException refused(String... keyValues) {
    return assertThrows(ConfigurationException.class, () -> read(keyValues));
  }

  @Test
  void an_empty_environment_gives_the_defaults() {
    ServerConfig c = ServerConfig.defaults();
    assertEquals(3500, c.appPort());
    assertEquals(3100, c.wsPort());
    assertEquals("0.0.0.0", c.bindAddress());
    assertEquals(ServerConfig.Store.EMBEDDED, c.store());
    assertEquals(Path.of("./data"), c.dataDir());
    assertFalse(c.embeddedFsync());
    assertEquals(4, c.embeddedCacheMb());
    assertEquals(64, c.embeddedMinFreeMb());
    assertEquals(List.of(), c.authTokens());
    assertFalse(c.authenticationEnabled());
    assertEquals(10 * 1024 * 1024, c.maxFrameBytes());
    assertEquals(8 * 1024 * 1024, c.maxPayloadBytes());
    assertEquals(256, c.maxInFlight());
    assertEquals(100, c.maxBatchRequests());
    assertEquals(1000, c.maxTake());
    assertEquals(16 * 1024 * 1024, c.maxTakeBytes());
    assertEquals(1024 * 1024, c.writeBufferHighBytes());
    assertEquals(32 * 1024 * 1024, c.writeBufferLimitBytes());
    assertEquals(Duration.ofSeconds(60), c.writeStall());
    assertEquals(Duration.ofSeconds(60), c.visibilityTimeout());
    assertEquals(128, c.workerThreads());
    assertEquals(Duration.ofSeconds(10), c.shutdownGrace());
  }

  @Test
  void every_variable_is_read() {
    ServerConfig c = read("APP_PORT", "8080", "WS_PORT", "0", "MPR_BIND_ADDRESS", "127.0.0.1", "MPR_STORE", "Memory",
        "MPR_DATA_DIR", "/var/lib/mpr", "MPR_EMBEDDED_FSYNC", "TRUE", "MPR_EMBEDDED_CACHE_MB", "7", "MPR_EMBEDDED_MIN_FREE_MB", "0", "MPR_AUTH_TOKENS", "a", "MPR_MAX_FRAME_BYTES",
        "5000", "MPR_MAX_PAYLOAD_BYTES", "4000", "MPR_MAX_IN_FLIGHT", "3", "MPR_MAX_BATCH_REQUESTS", "4",
        "MPR_MAX_TAKE", "5", "MPR_MAX_TAKE_BYTES", "6000", "MPR_WRITE_BUFFER_HIGH_BYTES", "700",
        "MPR_WRITE_BUFFER_LIMIT_BYTES", "800", "MPR_WRITE_STALL_MS", "900", "MPR_VISIBILITY_TIMEOUT_MS", "250", "MPR_WORKER_THREADS", "2",
        "MPR_SHUTDOWN_GRACE_MS", "0");
    assertEquals(8080, c.appPort());
    assertEquals(0, c.wsPort());
    assertEquals("127.0.0.1", c.bindAddress());
    assertEquals(ServerConfig.Store.MEMORY, c.store());
    assertEquals(Path.of("/var/lib/mpr"), c.dataDir());
    assertTrue(c.embeddedFsync());
    assertEquals(7, c.embeddedCacheMb());
    assertEquals(0, c.embeddedMinFreeMb());
    assertTrue(c.authenticationEnabled());
    assertEquals(5000, c.maxFrameBytes());
    assertEquals(4000, c.maxPayloadBytes());
    assertEquals(3, c.maxInFlight());
    assertEquals(4, c.maxBatchRequests());
    assertEquals(5, c.maxTake());
    assertEquals(6000, c.maxTakeBytes());
    assertEquals(700, c.writeBufferHighBytes());
    assertEquals(800, c.writeBufferLimitBytes());
    assertEquals(Duration.ofMillis(900), c.writeStall());
    assertEquals(Duration.ofMillis(250), c.visibilityTimeout());
    assertEquals(2, c.workerThreads());
    assertEquals(Duration.ZERO, c.shutdownGrace());
  }

  @Test
  void a_blank_variable_counts_as_unset() {
    assertEquals(3100, read("WS_PORT", "  ").wsPort());
    assertEquals(List.of(), read("MPR_AUTH_TOKENS", "").authTokens());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "APP_PORT|http", "APP_PORT|65536", "APP_PORT|-1",
      "WS_PORT|31.5", "WS_PORT|70000",
      "MPR_BIND_ADDRESS|no such host.invalid",
      "MPR_STORE|cassandra",
      "MPR_EMBEDDED_FSYNC|yes",
      "MPR_EMBEDDED_CACHE_MB|0", "MPR_EMBEDDED_CACHE_MB|32MiB", "MPR_EMBEDDED_MIN_FREE_MB|-1",
      "MPR_EMBEDDED_MIN_FREE_MB|1GiB",
      "MPR_MAX_FRAME_BYTES|0", "MPR_MAX_FRAME_BYTES|2MiB",
      "MPR_MAX_PAYLOAD_BYTES|0", "MPR_MAX_PAYLOAD_BYTES|99999999",
      "MPR_MAX_TAKE_BYTES|1000", "MPR_WRITE_BUFFER_HIGH_BYTES|1", "MPR_WRITE_BUFFER_LIMIT_BYTES|1000",
      "MPR_WRITE_STALL_MS|0",
      "MPR_MAX_IN_FLIGHT|0", "MPR_MAX_IN_FLIGHT|many",
      "MPR_MAX_BATCH_REQUESTS|0", "MPR_MAX_BATCH_REQUESTS|-3",
      "MPR_MAX_TAKE|0", "MPR_MAX_TAKE|1e3",
      "MPR_VISIBILITY_TIMEOUT_MS|0", "MPR_VISIBILITY_TIMEOUT_MS|60s",
      "MPR_WORKER_THREADS|0", "MPR_WORKER_THREADS|sixteen",
      "MPR_SHUTDOWN_GRACE_MS|-1", "MPR_SHUTDOWN_GRACE_MS|10s",
      "MPR_AUTH_TOKENS|secret:admin", "MPR_AUTH_TOKENS|:send", "MPR_AUTH_TOKENS|a,a", "MPR_AUTH_TOKENS|' , '",
      "MPR_AUTH_TOKENS|secret:send+",
      "NOTIFICATION_DATA_ONLY|1", "MPR_PUSH_DEDUP_WINDOW_MS|-1", "MPR_PUSH_DEDUP_WINDOW_MS|5s",
      "MPR_PUSH_QUEUE_CAPACITY|0", "MPR_APNS_SERVER|localhost", "MPR_APNS_SERVER|localhost:0",
      "MPR_APNS_MAX_IN_FLIGHT|0", "MPR_FCM_MAX_IN_FLIGHT|0", "MPR_FCM_ENDPOINT|ftp://x", "MPR_FCM_ENDPOINT|not a url"})
  void a_bad_value_is_refused_with_a_message_naming_the_variable(String variable, String value) {
    ConfigurationException e = refused(variable, value);
    assertEquals(variable, e.variable());
    assertTrue(e.getMessage().startsWith(variable + ": "), e.getMessage());
  }

  @Test
  void a_bad_token_entry_is_reported_without_its_secret() {
    ConfigurationException e = refused("MPR_AUTH_TOKENS", "hunter2:root");
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void mongodb_uri_alone_selects_the_mongodb_store_with_the_default_settings() {
    ServerConfig c = read("MONGODB_URI", "mongodb://db.internal:27017");
    assertEquals(ServerConfig.Store.MONGO, c.store());
    assertEquals(null, c.redis());
    assertEquals("mongodb://db.internal:27017", c.mongo().connectionString());
    assertEquals("mpr", c.mongo().database());
    assertEquals(Duration.ofSeconds(2), c.mongo().timeout());
    assertEquals(MongoSettings.Acknowledgement.MAJORITY, c.mongo().writeConcern());
  }

  @Test
  void mongodb_settings_are_read_and_mpr_store_mongo_is_accepted() {
    ServerConfig c = read("MPR_STORE", "mongo", "MONGODB_URI", "mongodb://a:1,b:2/?replicaSet=rs0",
        "MPR_MONGO_DATABASE", "queues", "MPR_MONGO_TIMEOUT_MS", "750", "MPR_MONGO_WRITE_CONCERN", "1");
    assertEquals(ServerConfig.Store.MONGO, c.store());
    assertEquals("queues", c.mongo().database());
    assertEquals(Duration.ofMillis(750), c.mongo().timeout());
    assertEquals(MongoSettings.Acknowledgement.PRIMARY, c.mongo().writeConcern());
    assertTrue(c.describe().contains("MPR_MONGO_WRITE_CONCERN=1"), c.describe());
    assertEquals(MongoSettings.Acknowledgement.MAJORITY,
        read("MONGODB_URI", "mongodb://a:1", "MPR_MONGO_WRITE_CONCERN", "Majority").mongo().writeConcern());
  }

  @ParameterizedTest
  @ValueSource(strings = {"REDIS_URL=redis://cache:6379", "REDIS_NODES=cache1:7000,cache2:7000"})
  void mongodb_together_with_redis_selects_the_tiered_store_with_the_default_settings(String redisSetting) {
    String[] kv = redisSetting.split("=", 2);
    ServerConfig c = read("MONGODB_URI", "mongodb://db:27017", kv[0], kv[1]);
    assertEquals(ServerConfig.Store.TIERED, c.store());
    assertEquals("mongodb://db:27017", c.tiering().mongo().connectionString());
    assertEquals(Duration.ofSeconds(60), c.tiering().threshold(), "THRESHOLD_TIMESTAMP's TypeScript default");
    assertFalse(c.tiering().writeThrough());
    assertEquals(500, c.tiering().moveBatch());
    assertEquals(Duration.ofSeconds(1), c.tiering().moveInterval());
    assertEquals(Duration.ofSeconds(30), c.tiering().leaseTtl());
    assertTrue(c.describe().contains("THRESHOLD_TIMESTAMP=60000"), c.describe());
  }

  @Test
  void tiering_settings_are_read() {
    ServerConfig c = read("MPR_STORE", "tiered", "MONGODB_URI", "mongodb://db:27017", "REDIS_URL", "redis://cache:6379",
        "THRESHOLD_TIMESTAMP", "3600000", "MPR_MONGO_WRITE_THROUGH", "true", "MPR_MONGO_THREADS", "8",
        "MPR_TIER_BATCH", "200", "MPR_TIER_INTERVAL_MS", "250", "MPR_TIER_LEASE_MS", "5000");
    assertEquals(Duration.ofHours(1), c.tiering().threshold());
    assertTrue(c.tiering().writeThrough());
    assertEquals(8, c.tiering().coldThreads());
    assertEquals(200, c.tiering().moveBatch());
    assertEquals(Duration.ofMillis(250), c.tiering().moveInterval());
    assertEquals(Duration.ofMillis(5000), c.tiering().leaseTtl());
    assertTrue(c.describe().contains("MPR_MONGO_WRITE_THROUGH=true"), c.describe());
    assertEquals(null, read("MONGODB_URI", "mongodb://db:27017").tiering(), "MongoDB alone is not tiered");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "THRESHOLD_TIMESTAMP|-1", "THRESHOLD_TIMESTAMP|1m", "MPR_MONGO_WRITE_THROUGH|yes", "MPR_TIER_BATCH|0",
      "MPR_TIER_BATCH|10001", "MPR_TIER_INTERVAL_MS|0", "MPR_TIER_LEASE_MS|99", "MPR_TIER_LEASE_MS|2000",
      "MPR_MONGO_THREADS|0"})
  void malformed_tiering_settings_name_the_variable(String variable, String value) {
    Map<String, String> env = new HashMap<>(Map.of("MONGODB_URI", "mongodb://db:27017", "REDIS_URL",
        "redis://cache:6379", "MPR_TIER_INTERVAL_MS", variable.equals("MPR_TIER_INTERVAL_MS") ? value : "1000"));
    env.put(variable, value);
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> ServerConfig.fromEnvironment(env));
    assertEquals(variable, e.variable());
  }

  @Test
  void mpr_store_tiered_needs_both_redis_and_mongodb() {
    assertEquals("MONGODB_URI", refused("MPR_STORE", "tiered", "REDIS_URL", "redis://cache:6379").variable());
    assertEquals("REDIS_URL", refused("MPR_STORE", "tiered", "MONGODB_URI", "mongodb://db:27017").variable());
    assertEquals("MPR_STORE", refused("MPR_STORE", "redis", "REDIS_URL", "redis://cache:6379", "MONGODB_URI",
        "mongodb://db:27017").variable());
  }

  @Test
  void mpr_store_mongo_without_mongodb_uri_names_mongodb_uri() {
    ConfigurationException e = refused("MPR_STORE", "mongo");
    assertEquals("MONGODB_URI", e.variable());
  }

  @Test
  void another_store_with_mongodb_settings_is_refused_rather_than_ignoring_them() {
    ConfigurationException e = refused("MPR_STORE", "memory", "MONGODB_URI", "mongodb://db:27017");
    assertEquals("MPR_STORE", e.variable());
  }

  @Test
  void the_database_path_of_mongodb_uri_names_the_database_and_mpr_mongo_database_overrides_it() {
    assertEquals("MessagePickupRepository",
        read("MONGODB_URI", "mongodb://u:p@db:27017/MessagePickupRepository").mongo().database());
    assertEquals("MessagePickupRepository",
        read("MONGODB_URI", "mongodb://a:1,b:2/MessagePickupRepository?replicaSet=rs0").mongo().database());
    assertEquals("queues", read("MONGODB_URI", "mongodb://db:27017/MessagePickupRepository",
        "MPR_MONGO_DATABASE", "queues").mongo().database());
    assertEquals("mpr", read("MONGODB_URI", "mongodb://db:27017/").mongo().database());
    assertEquals("mpr", read("MONGODB_URI", "mongodb://db:27017/?replicaSet=rs0").mongo().database());
    assertTrue(read("MONGODB_URI", "mongodb://db:27017/MessagePickupRepository").describe()
        .contains("/MessagePickupRepository"));
  }

  @Test
  void a_database_path_mongodb_does_not_allow_names_mongodb_uri_without_showing_the_password() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> read("MONGODB_URI", "mongodb://user:hunter2@db:27017/a$b"));
    assertEquals("MONGODB_URI", e.variable());
    assertTrue(e.getMessage().contains("database"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "MONGODB_URI|http://user:hunter2@db:27017",
      "MPR_MONGO_DATABASE|a.b", "MPR_MONGO_TIMEOUT_MS|0", "MPR_MONGO_TIMEOUT_MS|2s",
      "MPR_MONGO_WRITE_CONCERN|2", "MPR_MONGO_WRITE_CONCERN|all"})
  void malformed_mongodb_settings_name_the_variable(String variable, String value) {
    Map<String, String> env = new HashMap<>(Map.of("MONGODB_URI", "mongodb://db:27017"));
    env.put(variable, value);
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> ServerConfig.fromEnvironment(env));
    assertEquals(variable, e.variable());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void the_mongodb_password_never_appears_in_the_description() {
    ServerConfig c = read("MONGODB_URI", "mongodb://mpr:hunter2@db1:27017,db2:27017/admin?replicaSet=rs0");
    assertFalse(c.describe().contains("hunter2"), c.describe());
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertTrue(c.describe().contains("MONGODB_URI=mongodb(mongodb://db1:27017,db2:27017/admin w=majority)"),
        c.describe());
  }

  @Test
  void redis_url_alone_selects_a_single_redis_node_with_the_default_settings() {
    ServerConfig c = read("REDIS_URL", "redis://cache.internal:6380");
    assertEquals(ServerConfig.Store.REDIS, c.store());
    assertFalse(c.redis().isCluster());
    assertEquals("cache.internal", c.redis().uri().getHost());
    assertEquals(Duration.ofSeconds(2), c.redis().timeout());
    assertEquals(Duration.ofSeconds(10), c.redis().instanceTtl());
    assertEquals("mpr", c.redis().keyPrefix());
  }

  @Test
  void redis_nodes_select_a_cluster_and_the_natmap_maps_announced_addresses_to_reachable_ones() {
    ServerConfig c = read("REDIS_TYPE", "cluster", "REDIS_NODES", "10.0.0.1:7000, 10.0.0.2:7000",
        "REDIS_NATMAP", "203.0.113.5:17000:10.0.0.1:7000,203.0.113.5:17001:10.0.0.2:7000",
        "MPR_REDIS_TIMEOUT_MS", "750", "MPR_REDIS_POOL_SIZE", "8", "MPR_REDIS_KEY_PREFIX", "tenant1",
        "MPR_INSTANCE_TTL_MS", "3000");
    assertTrue(c.redis().isCluster());
    assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7000"), c.redis().clusterNodes());
    assertEquals(Map.of("10.0.0.1:7000", "203.0.113.5:17000", "10.0.0.2:7000", "203.0.113.5:17001"),
        c.redis().natMap());
    assertEquals(Duration.ofMillis(750), c.redis().timeout());
    assertEquals(8, c.redis().poolSize());
    assertEquals("tenant1", c.redis().keyPrefix());
    assertEquals(Duration.ofSeconds(3), c.redis().instanceTtl());
  }

  @Test
  void the_redis_password_never_appears_in_the_description() {
    ServerConfig c = read("REDIS_URL", "redis://user:s3cret@cache:6379/2");
    assertFalse(c.describe().contains("s3cret"), c.describe());
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertTrue(c.describe().contains("REDIS_URL=redis(redis://cache:6379/2)"), c.describe());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "REDIS_TYPE|cluster|REDIS_NODES",
      "REDIS_TYPE|single|REDIS_URL",
      "REDIS_TYPE|sentinel|REDIS_TYPE",
      "MPR_STORE|redis|REDIS_URL",
      "REDIS_URL|http://cache:6379|REDIS_URL",
      "REDIS_NODES|cache|REDIS_NODES"})
  void incomplete_or_malformed_redis_settings_name_the_variable(String variable, String value, String named) {
    assertEquals(named, refused(variable, value).variable());
  }

  @Test
  void a_malformed_natmap_entry_is_refused() {
    ConfigurationException e = refused("REDIS_NODES", "a:1", "REDIS_NATMAP", "1.2.3.4:5:6.7.8.9");
    assertEquals("REDIS_NATMAP", e.variable());
  }

  @Test
  void another_store_with_redis_settings_is_refused_rather_than_ignoring_them() {
    ConfigurationException e = refused("MPR_STORE", "embedded", "REDIS_URL", "redis://cache:6379");
    assertEquals("MPR_STORE", e.variable());
  }

  @Test
  void tokens_carry_all_rights_or_the_listed_ones() {
    List<AuthToken> tokens = read("MPR_AUTH_TOKENS", "all, s:send, p:pickup, both:pickup+send").authTokens();
    assertEquals(4, tokens.size());
    assertEquals(Set.of(AuthToken.Right.SEND, AuthToken.Right.PICKUP), tokens.get(0).rights());
    assertEquals("s", tokens.get(1).secret());
    assertEquals(Set.of(AuthToken.Right.SEND), tokens.get(1).rights());
    assertEquals(Set.of(AuthToken.Right.PICKUP), tokens.get(2).rights());
    assertEquals(Set.of(AuthToken.Right.SEND, AuthToken.Right.PICKUP), tokens.get(3).rights());
  }

  @Test
  void the_description_masks_the_tokens_and_names_every_variable() {
    ServerConfig c = read("MPR_AUTH_TOKENS", "topsecret:send,other");
    String text = c.describe() + c;
    assertFalse(text.contains("topsecret"), text);
    assertFalse(text.contains("other"), text);
    for (String v : List.of("APP_PORT", "WS_PORT", "MPR_BIND_ADDRESS", "MPR_STORE", "MPR_DATA_DIR",
        "MPR_EMBEDDED_FSYNC", "MPR_EMBEDDED_CACHE_MB", "MPR_AUTH_TOKENS", "MPR_MAX_FRAME_BYTES", "MPR_MAX_PAYLOAD_BYTES", "MPR_MAX_IN_FLIGHT",
        "MPR_MAX_BATCH_REQUESTS", "MPR_MAX_TAKE", "MPR_VISIBILITY_TIMEOUT_MS", "MPR_WORKER_THREADS",
        "MPR_SHUTDOWN_GRACE_MS")) {
      assertTrue(c.describe().contains("\n  " + v + "="), v);
    }
    assertTrue(c.describe().contains("****:send"), c.describe());
  }

  @Test
  void withPorts_changes_only_the_ports() {
    ServerConfig c = read("MPR_STORE", "memory").withPorts(0, 1);
    assertEquals(0, c.wsPort());
    assertEquals(1, c.appPort());
    assertEquals(ServerConfig.Store.MEMORY, c.store());
  }

  @Test
  void push_settings_default_to_both_providers_off_and_a_five_second_window() {
    PushConfig p = ServerConfig.defaults().push();
    assertEquals(null, p.firebaseCfgFile());
    assertEquals(null, p.apnsCfgFile());
    assertFalse(p.dataOnly());
    assertEquals(5_000, p.dedupWindow().toMillis());
    assertEquals(10_000, p.queueCapacity());
    assertEquals(1_500, p.apnsMaxInFlight());
  }

  @Test
  void push_settings_are_read_with_the_typescript_servers_names() {
    PushConfig p = read("FIREBASE_CFG_FILE", "fb.json", "APNS_CFG_FILE", "apns.json", "APNS_PATH_KEY", "key.p8",
        "APNS_TOPIC", "org.example.app", "NOTIFICATION_DATA_ONLY", "TRUE", "MPR_PUSH_TITLE", "Hi",
        "MPR_PUSH_BODY", "Mail", "MPR_PUSH_DEDUP_WINDOW_MS", "0", "MPR_APNS_SERVER", "127.0.0.1:8443",
        "MPR_FCM_ENDPOINT", "http://127.0.0.1:9000").push();
    assertEquals(java.nio.file.Path.of("fb.json"), p.firebaseCfgFile());
    assertEquals(java.nio.file.Path.of("key.p8"), p.apnsKeyFile());
    assertEquals("org.example.app", p.apnsTopic());
    assertTrue(p.dataOnly());
    assertEquals("Hi", p.title());
    assertEquals("Mail", p.body());
    assertEquals(0, p.dedupWindow().toMillis());
    assertEquals("127.0.0.1", p.apnsServerHost());
    assertEquals(8443, p.apnsServerPort());
    assertEquals("http://127.0.0.1:9000", p.fcmEndpoint().toString());
    for (String v : List.of("FIREBASE_CFG_FILE", "APNS_CFG_FILE", "APNS_PATH_KEY", "APNS_TOPIC",
        "NOTIFICATION_DATA_ONLY", "MPR_PUSH_TITLE", "MPR_PUSH_BODY", "MPR_PUSH_DEDUP_WINDOW_MS",
        "MPR_PUSH_QUEUE_CAPACITY", "MPR_APNS_SERVER", "MPR_APNS_TRUSTED_CA", "MPR_FCM_ENDPOINT")) {
      assertTrue(ServerConfig.defaults().describe().contains("\n  " + v + "="), v);
    }
  }
}
