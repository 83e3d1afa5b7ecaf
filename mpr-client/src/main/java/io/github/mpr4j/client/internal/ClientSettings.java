package io.github.mpr4j.client.internal;

import io.github.mpr4j.client.ConnectionInfoProvider;
import io.github.mpr4j.client.ConnectionStateListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/** The checked settings of a client, as {@link io.github.mpr4j.client.MprClient.Builder} made them; {@code sslContext} is null for the JDK's defaults. */
public record ClientSettings(
    URI uri,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration reconnectInitialDelay,
    Duration reconnectMaxDelay,
    double reconnectJitter,
    int maxReconnectAttempts,
    String authToken,
    int maxInFlight,
    int maxWaitingCalls,
    int maxFrameBytes,
    Executor callbackExecutor,
    Executor completionExecutor,
    ConnectionInfoProvider connectionInfoProvider,
    boolean waitWhileDisconnected,
    ConnectionStateListener stateListener,
    Duration pingInterval,
    SSLContext sslContext) {}
