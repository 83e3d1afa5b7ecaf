/** The queue stores that ship with the core: in-memory, and embedded on local disk (the default). */
package io.github.mpr4j.core.store;
