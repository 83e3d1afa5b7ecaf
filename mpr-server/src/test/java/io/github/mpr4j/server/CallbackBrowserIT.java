package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.push.WebPushSettings;
import io.github.mpr4j.push.testing.MockWebPush;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.Command;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.Event;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium from the Debian packages chromium and chromium-driver, which
 * scripts/test.sh installs) loads the demo page, receives a callback, reloads, and receives the
 * notification posted while it was away; and with Web Push on, subscribes through the page's code and the
 * gateway's service worker, and shows the notification a push brings while the page is closed.
 * Screenshots go to target/callback-browser/.
 *
 * <p>What is stood in for Web Push: Chromium's own push service (Google's FCM) cannot be reached, so the
 * page's {@code PushManager.prototype.subscribe} is replaced, before the page loads, by one that answers a
 * subscription of {@link MockWebPush} (the stand-in on loopback, which holds the subscription's private
 * key), and the stand-in decrypts the gateway's push in place of the browser; DevTools'
 * {@code ServiceWorker.deliverPushMessage} then hands the decrypted payload to the real service worker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackBrowserIT {
  private static final String CHROMIUM = System.getProperty("mpr.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("mpr.chromedriver", "/usr/bin/chromedriver");
  private static final Path ARTEFACTS = Path.of("target", "callback-browser");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String[] VAPID = WebPushSettings.generateKeys();

  @TempDir
  Path profile;
  @TempDir
  Path certificates;
  private MockWebPush pushService;
  private MprServer server;
  private ChromeDriverService service;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "this test needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and chromium-driver;"
            + " scripts/test.sh installs them)");
    pushService = MockWebPush.start(certificates, VAPID[0]);
    server = TestServers.start(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", VAPID[0], "MPR_WEBPUSH_VAPID_PRIVATE_KEY",
        VAPID[1], "MPR_WEBPUSH_SUBJECT", "mailto:ops@example.com", "MPR_WEBPUSH_ENDPOINT_HOSTS", "127.0.0.1",
        "MPR_WEBPUSH_TRUSTED_CA", pushService.caFile().toString(), "MPR_PUSH_TITLE", "Report ready",
        "MPR_PUSH_BODY", "Open the page to see it"));
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(30))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1000,700", "--user-data-dir=" + profile.toAbsolutePath());
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    Files.createDirectories(ARTEFACTS);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (server != null) {
      server.close();
    }
    if (pushService != null) {
      pushService.close();
    }
  }

  private String origin() {
    return "http://127.0.0.1:" + server.appPort();
  }

  private String demoUrl() {
    return origin() + "/callback/demo";
  }

  private String waitForCallbackUrl() {
    new WebDriverWait(browser, WAIT).until(
        d -> d.findElement(By.id("callback-url")).getText().startsWith("http"));
    return browser.findElement(By.id("callback-url")).getText();
  }

  private List<String> shownNotifications() {
    return browser.findElements(By.cssSelector("#notifications li")).stream().map(WebElement::getText).toList();
  }

  private void waitForNotification(String text) {
    new WebDriverWait(browser, WAIT).until(
        d -> shownNotifications().stream().anyMatch(s -> s.contains(text)));
  }

  private void screenshot(String name) throws Exception {
    Files.write(ARTEFACTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static HttpResponse<String> post(String callbackUrl, String body) throws Exception {
    return CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create(callbackUrl))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String metricsText() {
    try {
      return CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.appPort() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body()
          .lines().filter(l -> l.startsWith("mpr_callback")).toList().toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private boolean noBrowserSocketOpen() throws Exception {
    String metrics = CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.appPort() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().anyMatch(l -> l.startsWith("mpr_callback_sockets ")
        && Double.parseDouble(l.substring("mpr_callback_sockets ".length())) == 0);
  }

  /** Goes to about:blank and waits until the gateway has seen the page's socket close. */
  private void leaveThePage() throws Exception {
    browser.get("about:blank");
    assertTrue(CallbackBrowser.eventually(Duration.ofSeconds(10), () -> {
      try {
        return noBrowserSocketOpen();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }), "the page's socket closed and its live session ended: " + metricsText());
  }

  @Test
  void the_demo_page_shows_a_callback_live_and_after_a_reload_the_one_posted_while_it_was_away() throws Exception {
    browser.get(demoUrl());
    String callbackUrl = waitForCallbackUrl();
    assertTrue(callbackUrl.startsWith("http://127.0.0.1:" + server.appPort() + "/callback/"), callbackUrl);

    HttpResponse<String> live = post(callbackUrl, "{\"task\":\"report-1\",\"status\":\"done\"}");
    assertEquals(202, live.statusCode(), live.body());
    assertEquals("live", WsTestClient.parse(live.body()).get("delivered").asText());
    waitForNotification("report-1");
    screenshot("1-live.png");

    leaveThePage();
    HttpResponse<String> pending = post(callbackUrl, "{\"task\":\"report-2\",\"status\":\"done\"}");
    assertEquals(202, pending.statusCode(), pending.body());
    assertEquals("pending", WsTestClient.parse(pending.body()).get("delivered").asText());

    browser.get(demoUrl());
    assertEquals(callbackUrl, waitForCallbackUrl(), "the page kept its clientId");
    waitForNotification("report-2");
    Thread.sleep(300); // a redelivered report-1 would show up by now
    screenshot("2-after-reload.png");
    List<String> shown = shownNotifications();
    assertEquals(1, shown.size(), "report-1 was acknowledged, so only report-2 is shown: " + shown);
  }

  /**
   * Replaces {@code PushManager.prototype.subscribe} in every document the page loads from now on: it
   * records the options it was called with in {@code window.mprTestSubscribe} (the application server key
   * as base64url) and answers the stand-in's subscription.
   */
  private static void answerSubscriptionsWith(DevTools devTools, MockWebPush.Subscription subscription) {
    String script = """
        (() => {
          const subscription = %s;
          PushManager.prototype.subscribe = function (options) {
            const key = String.fromCharCode(...new Uint8Array(options.applicationServerKey));
            window.mprTestSubscribe = { userVisibleOnly: options.userVisibleOnly,
              applicationServerKey: btoa(key).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "") };
            return Promise.resolve({ endpoint: subscription.endpoint, expirationTime: null,
              toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
              unsubscribe: () => Promise.resolve(true) });
          };
        })();
        """.formatted(subscription.json());
    devTools.send(new Command<>("Page.enable", Map.of())); // without it, the script is not run
    devTools.send(new Command<>("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script)));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> registrationsOf(Map<String, Object> update) {
    return (List<Map<String, Object>>) update.get("registrations");
  }

  /** The registration id DevTools gives the service worker registration of a scope. */
  private static String registrationId(BlockingQueue<Map<String, Object>> registrations, String scope)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
      Map<String, Object> r = registrations.poll(100, TimeUnit.MILLISECONDS);
      if (r != null && scope.equals(r.get("scopeURL")) && !Boolean.TRUE.equals(r.get("isDeleted"))) {
        return (String) r.get("registrationId");
      }
    }
    throw new AssertionError("no service worker registration for " + scope + " within " + WAIT);
  }

  /** The notifications the page's service worker registration shows, as "title: body". */
  @SuppressWarnings("unchecked")
  private List<String> serviceWorkerNotifications() {
    return (List<String>) browser.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        navigator.serviceWorker.getRegistration()
          .then(r => r ? r.getNotifications() : [])
          .then(list => done(list.map(n => n.title + ": " + n.body)), e => done(["error: " + e]));
        """);
  }

  @Test
  void with_web_push_the_demo_page_shows_a_notification_pushed_while_it_was_closed() throws Exception {
    MockWebPush.Subscription subscription = pushService.subscribe();
    DevTools devTools = browser.getDevTools();
    devTools.createSession();
    BlockingQueue<Map<String, Object>> registrations = new LinkedBlockingQueue<>();
    devTools.addListener(new Event<Map<String, Object>>("ServiceWorker.workerRegistrationUpdated",
        in -> in.read(Json.MAP_TYPE)), update -> registrations.addAll(registrationsOf(update)));
    devTools.send(new Command<>("ServiceWorker.enable", Map.of()));
    devTools.send(new Command<>("Browser.grantPermissions", Map.of("origin", origin(),
        "permissions", List.of("notifications"))));
    answerSubscriptionsWith(devTools, subscription);

    browser.get(demoUrl());
    String callbackUrl = waitForCallbackUrl();
    browser.findElement(By.id("enable-push")).click();
    new WebDriverWait(browser, WAIT).until(d -> !d.findElement(By.id("push-status")).getText().equals("subscribing"));
    assertEquals("subscribed", browser.findElement(By.id("push-status")).getText(), "the page's enableWebPush");
    @SuppressWarnings("unchecked")
    Map<String, Object> asked = (Map<String, Object>) browser.executeScript("return window.mprTestSubscribe;");
    assertEquals(Map.of("userVisibleOnly", true, "applicationServerKey", VAPID[0]), asked,
        "client.js subscribed for visible notifications with the gateway's VAPID public key");
    String registrationId = registrationId(registrations, origin() + "/callback/");
    screenshot("3-web-push-subscribed.png");

    leaveThePage();
    HttpResponse<String> pending = post(callbackUrl, "{\"task\":\"report-3\",\"status\":\"done\"}");
    assertEquals("pending", WsTestClient.parse(pending.body()).get("delivered").asText(), pending.body());
    MockWebPush.Push push = pushService.next(WAIT);
    assertNotNull(push, "no push reached the stand-in; refused: " + pushService.nextRefusal(Duration.ZERO));
    assertEquals(subscription.id(), push.subscriptionId());
    JsonNode payload = WsTestClient.parse(push.payload());
    assertEquals("Report ready", payload.path("title").asText(), push.payload());
    assertEquals("Open the page to see it", payload.path("body").asText(), push.payload());
    devTools.send(new Command<>("ServiceWorker.deliverPushMessage", Map.of("origin", origin(),
        "registrationId", registrationId, "data", push.payload())));

    browser.get(demoUrl());
    waitForNotification("report-3"); // the notification itself comes over the socket, as before
    String shown = payload.path("title").asText() + ": " + payload.path("body").asText();
    assertTrue(CallbackBrowser.eventually(WAIT, () -> serviceWorkerNotifications().contains(shown)),
        "the service worker showed the push decrypted by the stand-in: " + serviceWorkerNotifications());
    screenshot("4-web-push-back.png");
    browser.navigate().refresh(); // the demo lists the service worker's notifications when it loads
    new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("#pushes li")).stream()
        .anyMatch(li -> li.getText().equals(shown)));
    screenshot("5-web-push-shown.png");
  }
}
