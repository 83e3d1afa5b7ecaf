/**
 * Internal: the Netty handlers, metrics and wiring of the server. Not an API: anything here may change
 * in any release. Use {@link io.github.mpr4j.server.MprServer}.
 */
package io.github.mpr4j.server.internal;
