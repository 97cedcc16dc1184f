package dev.tern.storage;

/** The contract for {@link MemoryObjectStore}. */
class MemoryObjectStoreContractTest extends ObjectStoreContract {

  @Override
  protected ObjectStore createStore() {
    return new MemoryObjectStore();
  }
}
