package dev.tern.mailbox;

import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3ObjectStore;
import dev.tern.storage.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;

/** Nodes sharing one bucket of a real S3 server (S3Proxy, in-process), each with its own client. */
class S3SharedStoreLogTest extends SharedStoreLogTest {

  private S3ProxyServer server;

  @Override
  ObjectStore openStore() {
    server = S3ProxyServer.start();
    return new S3ObjectStore(server.config());
  }

  @Override
  ObjectStore openAnotherHandle() {
    return new S3ObjectStore(server.config());
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
