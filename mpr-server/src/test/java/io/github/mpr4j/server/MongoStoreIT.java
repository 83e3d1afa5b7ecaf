package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.mpr4j.core.mongo.MongoServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-RPC server on the MongoDB store (MONGODB_URI alone), against an in-process MongoDB server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoStoreIT {
  @TempDir
  Path dataDir;

  private final String database = MongoServers.newDatabase();

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MPR_STORE", "");
    env.put("MONGODB_URI", MongoServers.shared().connectionString());
    env.put("MPR_MONGO_DATABASE", database);
    env.put("MPR_DATA_DIR", dataDir.toString());
    return env;
  }

  @Test
  void every_queue_method_runs_end_to_end_with_the_messages_kept_in_mongodb() {
    try (MprServer server = TestServers.start(env());
        WsTestClient client = WsTestClient.connect(server.wsPort())) {
      String a1 = addMessage(client, "conn-1", "did:key:a", "one ☃");
      String a2 = addMessage(client, "conn-1", "did:key:a", "two");
      String b1 = addMessage(client, "conn-1", "did:key:b", "three");
      assertEquals(3, documents());
      assertEquals(3, count(client, "conn-1"));

      JsonNode taken = client.result("takeFromQueue", take("conn-1", "limit", 2));
      assertEquals(List.of(a1, a2), ids(taken));
      assertEquals(WsTestClient.JSON.valueToTree(payload("one ☃")), taken.get(0).get("encryptedMessage"));
      assertEquals(1, count(client, "conn-1"), "the two taken are sending");

      assertTrue(client.call("removeMessages", Map.of("connectionId", "conn-1", "messageIds", List.of(a1, a2)))
          .get("result").booleanValue());
      assertEquals(1, documents());
      assertTrue(client.result("removeAllMessages", Map.of("connectionId", "conn-1", "recipientDid", "did:key:b"))
          .booleanValue());
      assertEquals(0, count(client, "conn-1"));
      assertEquals(0, documents(), b1 + " removed from MongoDB too");
    }
  }

  @Test
  void a_database_named_in_mongodb_uri_holds_the_messages_as_for_the_typescript_server() {
    Map<String, String> env = env();
    env.remove("MPR_MONGO_DATABASE");
    env.put("MONGODB_URI", MongoServers.shared().connectionString() + "/" + database);
    try (MprServer server = TestServers.start(env);
        WsTestClient client = WsTestClient.connect(server.wsPort())) {
      addMessage(client, "conn-3", "did:key:a", "in the named database");
      assertEquals(1, documents());
    }
    String other = MongoServers.newDatabase();
    env.put("MPR_MONGO_DATABASE", other);
    try (MprServer server = TestServers.start(env);
        WsTestClient client = WsTestClient.connect(server.wsPort())) {
      assertEquals(0, count(client, "conn-3"), "MPR_MONGO_DATABASE overrides the path");
      addMessage(client, "conn-3", "did:key:a", "in the overriding database");
      assertEquals(1, documents());
      try (MongoClient mongo = MongoClients.create(MongoServers.shared().connectionString())) {
        assertEquals(1, mongo.getDatabase(other).getCollection("messages").countDocuments(new Document()));
      }
    }
  }

  @Test
  void queued_messages_outlive_the_server_process_that_took_them_in() {
    String first;
    String second;
    try (MprServer server = TestServers.start(env());
        WsTestClient client = WsTestClient.connect(server.wsPort())) {
      first = addMessage(client, "conn-2", "did:key:a", "first");
      second = addMessage(client, "conn-2", "did:key:a", "second");
    }
    try (MprServer server = TestServers.start(env());
        WsTestClient client = WsTestClient.connect(server.wsPort())) {
      JsonNode taken = client.result("takeFromQueue", take("conn-2", "deleteMessages", true));
      assertEquals(List.of(first, second), ids(taken));
      assertEquals(0, count(client, "conn-2"));
    }
  }

  @Test
  void the_server_does_not_start_when_mongodb_cannot_be_reached_and_says_where_it_tried() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> env = env();
    env.put("MONGODB_URI", "mongodb://127.0.0.1:" + closedPort);
    env.put("MPR_MONGO_TIMEOUT_MS", "500");

    long start = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestServers.start(env));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
    assertTrue(millis < 10_000, "gave up within a bounded time, took " + millis + " ms");
  }

  private long documents() {
    try (MongoClient mongo = MongoClients.create(MongoServers.shared().connectionString())) {
      return mongo.getDatabase(database).getCollection("messages").countDocuments(new Document());
    }
  }
}
