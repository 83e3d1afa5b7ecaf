package io.github.mpr4j.core.tiering;

/** The store contract in write-through mode (every message in MongoDB first), messages moving during the test. */
class WriteThroughStoreContractTest extends TieredStoreContractTest {
  @Override
  protected boolean writeThrough() {
    return true;
  }
}
