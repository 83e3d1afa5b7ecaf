package io.github.mpr4j.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend's token-validation endpoint for the gateway's browser authentication (MPR_CALLBACK_AUTH_URL),
 * on the JDK's HTTP server on a free loopback port. It reads {@code Authorization: Bearer <token>} and
 * answers by the token's form:
 * <ul>
 *   <li>{@code user-<id>}: 200 {@code {"userId":"<id>"}};
 *   <li>{@code anon}: 200 with no body;
 *   <li>{@code exp-<epochSeconds>}: 200 {@code {"userId":"exp","exp":<epochSeconds>}};
 *   <li>{@code boom}: 500; {@code slow}: 200 after 5 s;
 *   <li>anything else: 401.
 * </ul>
 * It counts the calls per token.
 */
final class TokenBackend implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private TokenBackend(HttpServer server) {
    this.server = server;
  }

  static TokenBackend start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    TokenBackend backend = new TokenBackend(s);
    s.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "token-backend");
      t.setDaemon(true);
      return t;
    }));
    s.createContext("/auth", exchange -> {
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
      backend.calls.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
      int status = 200;
      String body = "";
      if (token.startsWith("user-")) {
        body = "{\"userId\":\"" + token.substring(5) + "\"}";
      } else if (token.startsWith("exp-")) {
        body = "{\"userId\":\"exp\",\"exp\":" + token.substring(4) + "}";
      } else if (token.equals("boom")) {
        status = 500;
      } else if (token.equals("slow")) {
        try {
          Thread.sleep(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (!token.equals("anon")) {
        status = 401;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    });
    s.start();
    return backend;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth";
  }

  /** How many times the gateway asked about a token. */
  int calls(String token) {
    AtomicInteger n = calls.get(token);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
