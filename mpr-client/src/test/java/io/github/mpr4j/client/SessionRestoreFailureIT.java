package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A live session the server refuses to restore keeps the client from reporting itself connected. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionRestoreFailureIT {

  @Test
  void aRefusedRestoreDropsTheSocketAndIsRetriedOnTheNextBeforeCallsAreSent() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).connectionStateListener(new ConnectionStateListener() {
           @Override
           public void connected() {
             events.add("connected");
           }

           @Override
           public void disconnected(Throwable cause) {
             events.add("disconnected: " + cause.getMessage());
           }
         }).build()) {
      CompletableFuture<Void> add = client.addLiveSession(new AddLiveSessionOptions("restore-1", "s1"));
      scripted.answer(scripted.nextCall(Fixtures.WAIT), "true");
      get(add);
      scripted.dropSocket();

      JsonNode firstRestore = scripted.nextCall(Fixtures.WAIT);
      assertEquals("addLiveSession", firstRestore.path("method").asText());
      CompletableFuture<Boolean> waiting = client.getLiveSession(new GetLiveSessionOptions("restore-1"));
      scripted.answerError(firstRestore, -32000, "store unreachable");

      JsonNode secondRestore = scripted.nextCall(Fixtures.WAIT);
      assertEquals("addLiveSession", secondRestore.path("method").asText(), "retried on a new socket, not the call");
      assertEquals("s1", secondRestore.path("params").path("sessionId").asText());
      assertEquals(3, scripted.subscriptions.get(), "subscribed once per socket");
      assertFalse(waiting.isDone());
      scripted.answer(secondRestore, "true");

      JsonNode call = scripted.nextCall(Fixtures.WAIT);
      assertEquals("getLiveSession", call.path("method").asText(), "the waiting call goes after the restore");
      scripted.answer(call, "true");
      assertTrue(get(waiting));
      Fixtures.await("connected twice", () -> events.stream().filter("connected"::equals).count() == 2);
      assertTrue(events.stream().anyMatch(e -> e.contains("restoring the subscription and live sessions failed")),
          events.toString());
    }
  }
}
