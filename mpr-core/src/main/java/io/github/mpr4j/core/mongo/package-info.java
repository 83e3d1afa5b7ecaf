/**
 * The queue store on MongoDB: {@link io.github.mpr4j.core.mongo.MongoQueueStores#connect(MongoSettings)}.
 * Needs {@code org.mongodb:mongodb-driver-sync}, an optional dependency of the core. See docs/mongodb.md.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.mongo;

import org.jspecify.annotations.NullMarked;
