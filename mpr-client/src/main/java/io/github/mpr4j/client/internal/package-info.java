/** The implementation of the client. Internal: not an API, it changes without notice. */
package io.github.mpr4j.client.internal;
