/** Internal: the push lanes, the provider senders and the in-process de-duplicator. Not an API. */
package io.github.mpr4j.push.internal;
