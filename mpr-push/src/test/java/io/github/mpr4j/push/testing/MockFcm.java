package io.github.mpr4j.push.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 that answers as Google's OAuth token endpoint and the FCM HTTP v1 API do,
 * with scripted error answers, and a service account JSON (a fresh RSA key) whose token_uri points at it.
 */
public final class MockFcm implements AutoCloseable {
  public static final String PROJECT = "mpr-test";
  public static final String ACCESS_TOKEN = "ya29.test-access-token";

  /** One request to the send endpoint. */
  public record Request(String path, String authorization, String body) {}

  /** A scripted answer. */
  public record Answer(int status, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final BlockingQueue<Request> sends = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger sendRequests = new AtomicInteger();

  public MockFcm() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(executor);
    server.createContext("/token", ex -> {
      tokenRequests.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      reply(ex, 200, "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
    });
    server.createContext("/v1/", ex -> {
      sendRequests.incrementAndGet();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      sends.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"), body));
      Answer a = script.poll();
      if (a == null) {
        reply(ex, 200, "{\"name\":\"projects/" + PROJECT + "/messages/" + System.nanoTime() + "\"}");
      } else {
        reply(ex, a.status(), a.body());
      }
    });
    server.start();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** The FCM v1 error answer for a token that is no longer registered. */
  public static Answer unregistered() {
    return new Answer(404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
        + "\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
        + "\"errorCode\":\"UNREGISTERED\"}]}}");
  }

  /** An FCM v1 error answer with a status and an FCM error code. */
  public static Answer error(int status, String grpcStatus, String errorCode) {
    return new Answer(status, "{\"error\":{\"code\":" + status + ",\"message\":\"scripted\",\"status\":\"" + grpcStatus
        + "\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\""
        + errorCode + "\"}]}}");
  }

  /** The next send requests get these answers, in order. */
  public void answerNext(Answer... answers) {
    script.addAll(java.util.List.of(answers));
  }

  public Request nextSend(Duration timeout) throws InterruptedException {
    return sends.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int sendRequests() {
    return sendRequests.get();
  }

  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** The base URL of the fake FCM API. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Writes a service account JSON with a fresh RSA key whose token_uri is this server. */
  public Path writeServiceAccount(Path dir) throws Exception {
    KeyPair rsa = TestKeys.rsa();
    String pem = TestKeys.pkcs8Pem(rsa.getPrivate()).replace("\n", "\\n");
    String json = "{\"type\":\"service_account\",\"project_id\":\"" + PROJECT + "\",\"private_key_id\":\"k1\","
        + "\"private_key\":\"" + pem + "\",\"client_email\":\"push@" + PROJECT + ".iam.gserviceaccount.com\","
        + "\"client_id\":\"1\",\"token_uri\":\"" + endpoint() + "/token\"}";
    return Files.writeString(dir.resolve("firebase-" + System.nanoTime() + ".json"), json);
  }

  public Map<String, Integer> counts() {
    return Map.of("token", tokenRequests.get(), "send", sendRequests.get());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
