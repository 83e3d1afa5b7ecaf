package io.github.mpr4j.push.internal;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.AndroidNotification;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.ApsAlert;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.push.FcmSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FCM through the firebase-admin SDK: its own FirebaseApp (never the default one), an HTTP transport whose
 * requests for Google's FCM host go to the configured endpoint, and blocking sends on a pool sized to the
 * in-flight limit. Loaded only when FCM is configured.
 */
public final class FcmSender implements Sender {
  private static final String GOOGLE_FCM = FcmSettings.DEFAULT_ENDPOINT.toString();

  private final FirebaseApp app;
  private final FirebaseMessaging messaging;
  private final ExecutorService executor;
  private final PushContent content;

  FcmSender(FcmSettings settings, PushContent content) throws IOException {
    this.content = content;
    HttpTransport transport = new NetHttpTransport.Builder()
        .setConnectionFactory(new Redirect(settings.endpoint()))
        .build();
    ServiceAccountCredentials credentials;
    try (InputStream in = Files.newInputStream(settings.serviceAccountFile())) {
      credentials = ServiceAccountCredentials.fromStream(in, () -> transport);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read the service account JSON " + settings.serviceAccountFile() + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    if (credentials.getProjectId() == null || credentials.getProjectId().isBlank()) {
      throw new IOException(settings.serviceAccountFile() + " names no project_id");
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
    FirebaseOptions options = FirebaseOptions.builder()
        .setCredentials(credentials)
        .setProjectId(credentials.getProjectId())
        .setHttpTransport(transport)
        .setJsonFactory(GsonFactory.getDefaultInstance())
        .setConnectTimeout(timeout)
        .setReadTimeout(timeout)
        .build();
    this.app = FirebaseApp.initializeApp(options, "mpr4j-push-" + UUID.randomUUID());
    this.messaging = FirebaseMessaging.getInstance(app);
    AtomicInteger n = new AtomicInteger();
    // unbounded on paper; the lane's in-flight permits bound it
    this.executor = new ThreadPoolExecutor(settings.maxInFlight(), settings.maxInFlight(), 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "mpr-push-fcm-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Opens the provider; the SDK's classes load here first. */
  public static Sender open(FcmSettings settings, PushContent content) throws IOException {
    return new FcmSender(settings, content);
  }

  @Override
  public CompletableFuture<Outcome> send(PushRequest request) {
    Message message = message(request, content);
    return CompletableFuture.supplyAsync(() -> {
      try {
        messaging.send(message);
        return Outcome.ACCEPTED;
      } catch (FirebaseMessagingException e) {
        return classify(e);
      } catch (RuntimeException e) {
        return Outcome.transientFailure(e.toString());
      }
    }, executor);
  }

  /** The message, shaped as the TypeScript server's, with data-only honoured. */
  static Message message(PushRequest request, PushContent content) {
    AndroidConfig.Builder android = AndroidConfig.builder()
        .setCollapseKey(PushContent.COLLAPSE_KEY)
        .setPriority(AndroidConfig.Priority.HIGH);
    Aps.Builder aps = Aps.builder().setContentAvailable(true);
    ApnsConfig.Builder apns = ApnsConfig.builder();
    Message.Builder m = Message.builder()
        .setToken(request.token().token())
        .putData("@type", PushContent.FCM_TYPE)
        .putData("message_id", request.messageId());
    if (content.dataOnly()) {
      // a background notification: Apple wants priority 5 for those
      apns.putHeader("apns-priority", "5").putHeader("apns-push-type", "background");
    } else {
      m.setNotification(Notification.builder().setTitle(content.title()).setBody(content.body()).build());
      android.setNotification(AndroidNotification.builder().setTag(PushContent.COLLAPSE_KEY).build());
      aps.setAlert(ApsAlert.builder().setTitle(content.title()).setBody(content.body()).build());
      apns.putHeader("apns-priority", "10").putHeader("apns-collapse-id", PushContent.COLLAPSE_KEY);
    }
    return m.setAndroidConfig(android.build()).setApnsConfig(apns.setAps(aps.build()).build()).build();
  }

  static Outcome classify(FirebaseMessagingException e) {
    MessagingErrorCode code = e.getMessagingErrorCode();
    String detail = (code != null ? code : e.getErrorCode()) + ": " + e.getMessage();
    if (code != null) {
      switch (code) {
        case UNREGISTERED:
          return Outcome.permanent(Outcome.UNREGISTERED, detail);
        case INVALID_ARGUMENT:
          return Outcome.permanent(Outcome.INVALID_TOKEN, detail);
        case SENDER_ID_MISMATCH:
        case THIRD_PARTY_AUTH_ERROR:
          return Outcome.permanent(Outcome.REJECTED, detail);
        default:
          return Outcome.transientFailure(detail); // QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL
      }
    }
    ErrorCode platform = e.getErrorCode();
    if (platform == ErrorCode.NOT_FOUND) {
      return Outcome.permanent(Outcome.UNREGISTERED, detail);
    }
    if (platform == ErrorCode.INVALID_ARGUMENT) {
      return Outcome.permanent(Outcome.INVALID_TOKEN, detail);
    }
    if (platform == ErrorCode.PERMISSION_DENIED || platform == ErrorCode.FAILED_PRECONDITION) {
      return Outcome.permanent(Outcome.REJECTED, detail);
    }
    return Outcome.transientFailure(detail); // UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED, UNKNOWN (I/O) ...
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      app.delete();
    } catch (RuntimeException e) {
      // already deleted
    }
  }

  /** Opens connections as the JDK does, with Google's FCM host replaced by the configured endpoint. */
  static final class Redirect implements ConnectionFactory {
    private final String base;

    Redirect(URI endpoint) {
      String s = endpoint.toString();
      this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public HttpURLConnection openConnection(URL url) throws IOException {
      String s = url.toString();
      if (!base.equals(GOOGLE_FCM) && s.startsWith(GOOGLE_FCM + "/")) {
        url = URI.create(base + s.substring(GOOGLE_FCM.length())).toURL();
      }
      return (HttpURLConnection) url.openConnection();
    }
  }
}
