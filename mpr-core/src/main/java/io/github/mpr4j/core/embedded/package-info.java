/**
 * The stores that run inside the process and ship with the core: the queue stores in memory and embedded
 * on local disk (the default, H2 MVStore). The callback gateway's registries for these stores are in
 * {@link io.github.mpr4j.core.callback.CallbackRegistries}.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.embedded;

import org.jspecify.annotations.NullMarked;
