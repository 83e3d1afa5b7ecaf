/**
 * Push notifications for recipients that are offline everywhere: {@link io.github.mpr4j.push.PushService}
 * implements the core's {@link io.github.mpr4j.core.spi.PushNotifier} over Firebase Cloud Messaging
 * ({@link io.github.mpr4j.push.FcmSettings}) and the Apple Push Notification service
 * ({@link io.github.mpr4j.push.ApnsSettings}), with at most one push per token per de-duplication window
 * ({@link io.github.mpr4j.push.PushDeduplicator}), a bounded queue, in-flight limits, retries and
 * {@link io.github.mpr4j.push.PushStats metrics}.
 *
 * <p>A provider's SDK (firebase-admin, Pushy) is an optional dependency, added by the application that uses
 * that provider, and is loaded only when the provider is configured.
 */
package io.github.mpr4j.push;
