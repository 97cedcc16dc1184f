package dev.tern.mailbox;

import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Nodes sharing one embedded-store directory, each with its own {@link FileObjectStore}. */
class FileSharedStoreLogTest extends SharedStoreLogTest {

  @TempDir
  Path root;

  @Override
  ObjectStore openStore() {
    return new FileObjectStore(root);
  }

  @Override
  ObjectStore openAnotherHandle() {
    return new FileObjectStore(root);
  }
}
