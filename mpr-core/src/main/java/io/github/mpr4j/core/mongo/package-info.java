/**
 * The queue store on MongoDB: {@link io.github.mpr4j.core.mongo.MongoQueueStores#connect(MongoSettings)}.
 * Needs {@code org.mongodb:mongodb-driver-sync}, an optional dependency of the core. See docs/mongodb.md.
 */
package io.github.mpr4j.core.mongo;
