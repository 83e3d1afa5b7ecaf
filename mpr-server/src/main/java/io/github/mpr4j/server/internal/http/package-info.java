/**
 * Internal: helpers for the HTTP answers of APP_PORT, shared by the operations endpoints and the callback
 * gateway. Not an API: anything here may change in any release.
 */
package io.github.mpr4j.server.internal.http;
