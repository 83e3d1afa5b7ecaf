package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium from the Debian packages chromium and chromium-driver, which
 * scripts/test.sh installs) loads the demo page, receives a callback, reloads, and receives the
 * notification posted while it was away. Screenshots go to target/callback-browser/.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackBrowserIT {
  private static final String CHROMIUM = System.getProperty("mpr.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("mpr.chromedriver", "/usr/bin/chromedriver");
  private static final Path ARTEFACTS = Path.of("target", "callback-browser");

  @TempDir
  Path profile;
  private MprServer server;
  private ChromeDriverService service;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "this test needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and chromium-driver;"
            + " scripts/test.sh installs them)");
    server = TestServers.start();
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
  }

  private String demoUrl() {
    return "http://127.0.0.1:" + server.appPort() + "/callback/demo";
  }

  private String waitForCallbackUrl() {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(
        d -> d.findElement(By.id("callback-url")).getText().startsWith("http"));
    return browser.findElement(By.id("callback-url")).getText();
  }

  private List<String> shownNotifications() {
    return browser.findElements(By.cssSelector("#notifications li")).stream().map(WebElement::getText).toList();
  }

  private void waitForNotification(String text) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(
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
    return metrics.lines().anyMatch(l -> l.equals("mpr_callback_sockets 0"));
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

    browser.get("about:blank");
    assertTrue(CallbackBrowser.eventually(Duration.ofSeconds(10), () -> {
      try {
        return noBrowserSocketOpen();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }), "the page's socket closed and its live session ended: " + metricsText());
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
}
