package dev.tern.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of {@link ImapFigures}' IDLE figure, in its own JVM: opens {@code n}
 * connections, each LOGIN, SELECT INBOX, IDLE; prints {@code ready <milliseconds>} and holds them
 * until its standard input closes.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.IdleClients host port n</pre>
 */
public final class IdleClients {

  public static void main(String[] args) throws IOException {
    InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int connections = Integer.parseInt(args[2]);
    List<ImapFigures.Client> idle = new ArrayList<>(connections);
    long start = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      ImapFigures.Client client = new ImapFigures.Client(address);
      client.command("a LOGIN alice hunter2");
      client.command("b SELECT INBOX");
      client.send("c IDLE\r\n");
      String continuation = client.readLine();
      if (continuation == null || !continuation.startsWith("+")) {
        throw new IOException("IDLE refused: " + continuation);
      }
      idle.add(client);
    }
    System.out.println("ready " + (System.nanoTime() - start) / 1_000_000);
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold the connections until the parent closes our input
    }
    for (ImapFigures.Client client : idle) {
      client.close();
    }
  }
}
