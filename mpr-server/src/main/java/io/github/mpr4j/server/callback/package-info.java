/**
 * The callback gateway (docs/callback-gateway.md): backends POST notifications to a browser's callback
 * URL, and the browser receives them over its WebSocket on whichever instance it is connected to. The
 * server reaches it only through {@link io.github.mpr4j.server.callback.CallbackGateway}; everything else
 * here is package-private. Internal to the server, not an API: anything here may change in any release.
 */
package io.github.mpr4j.server.callback;
