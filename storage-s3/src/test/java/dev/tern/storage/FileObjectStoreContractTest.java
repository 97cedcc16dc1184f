package dev.tern.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract for {@link FileObjectStore}, on a new directory per test. */
class FileObjectStoreContractTest extends ObjectStoreContract {

  @TempDir
  Path root;

  @Override
  protected ObjectStore createStore() {
    return new FileObjectStore(root);
  }
}
