/**
 * A client for web backends that notify browsers through the server's callback gateway:
 * {@link io.github.mpr4j.client.callback.CallbackClient} posts to {@code POST /callback/{clientId}} and
 * {@code POST /callback/user/{userId}} and answers with typed results.
 *
 * <pre>{@code
 * CallbackClient callbacks = CallbackClient.builder(URI.create("https://mpr.example.com/"))
 *     .backendKey(System.getenv("MPR_CALLBACK_KEY"))
 *     .build();
 * CallbackPostResult r = callbacks.post(clientId, "{\"report\":42,\"status\":\"done\"}").join();
 * if (r.outcome() == CallbackPostResult.Outcome.STORED) { ... }
 * }</pre>
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.client.callback;

import org.jspecify.annotations.NullMarked;
