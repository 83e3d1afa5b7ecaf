/**
 * Support for tests of code that talks to an MPR server: {@link io.github.mpr4j.server.testing.MprTestServer},
 * an in-process server on a free loopback port with the in-memory store.
 */
package io.github.mpr4j.server.testing;
