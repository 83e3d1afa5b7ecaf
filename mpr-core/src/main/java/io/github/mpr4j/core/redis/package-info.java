/**
 * The Redis and Redis Cluster backend: {@link io.github.mpr4j.core.redis.RedisBackend} keeps the queues, the
 * live sessions and the delivery bus in Redis, reached as {@link io.github.mpr4j.core.redis.RedisSettings}
 * says (docs/redis.md).
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.redis;

import org.jspecify.annotations.NullMarked;
