/**
 * The MPR server: a JSON-RPC 2.0 over WebSocket endpoint wire-compatible with the TypeScript MPR, plus
 * health, readiness and Prometheus metrics over HTTP. Start it with {@link io.github.mpr4j.server.Main}
 * (the runnable jar) or embed it with {@link io.github.mpr4j.server.MprServer}.
 */
package io.github.mpr4j.server;
