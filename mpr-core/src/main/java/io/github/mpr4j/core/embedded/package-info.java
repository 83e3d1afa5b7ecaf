/**
 * The stores that run inside the process and ship with the core: the queue stores in memory and embedded
 * on local disk (the default, H2 MVStore), and the callback registries beside them.
 */
package io.github.mpr4j.core.embedded;
