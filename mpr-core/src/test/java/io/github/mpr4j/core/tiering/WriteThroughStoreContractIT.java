package io.github.mpr4j.core.tiering;

/** The store contract in write-through mode (every message in MongoDB first), messages moving during the test. */
class WriteThroughStoreContractIT extends TieredStoreContractIT {
  @Override
  protected boolean writeThrough() {
    return true;
  }
}
