/** Internal implementation of the pickup queue. Not an API: it may change in any release. */
package io.github.mpr4j.core.internal;
