package dev.tern.bench;

import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.ObjectKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The listing a mailbox log makes on every sync and append, on the embedded {@link
 * FileObjectStore}: its op directory holds the last hour's ops ({@code objects} of them, named by
 * 32-hex-digit timestamps) and the listing starts after a key that leaves the newest {@value
 * #RETURNED}. The directory is read from the page cache, so this is the store's own cost per entry
 * and per returned object.
 *
 * <pre>bench/run ListBench -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListBench {

  static final String PREFIX = "users/u/log/mbx-x/op/";
  static final int RETURNED = 300;
  static final long HOUR_MILLIS = 3_600_000;

  @Param({"2400", "20000"})
  public int objects;

  private Path directory;
  private FileObjectStore store;
  private ListRequest request;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("tern-listbench-");
    store = new FileObjectStore(directory);
    // Written straight into place (the layout the store documents; hex names need no escaping):
    // a put forces each file and its directory to disk, far too slow for 20 000 of them.
    Path ops = directory.resolve("objects").resolve(PREFIX);
    Files.createDirectories(ops);
    SplittableRandom random = new SplittableRandom(42);
    HexFormat hex = HexFormat.of();
    long start = 1_746_000_000_000L;
    String after = null;
    for (int i = 0; i < objects; i++) {
      String name = hex.toHexDigits(start + i * HOUR_MILLIS / objects) + hex.toHexDigits(random.nextLong());
      Files.write(ops.resolve(name + "%obj"), new byte[] {1});
      if (i == objects - RETURNED - 1) {
        after = name;
      }
    }
    request = ListRequest.of(PREFIX).startAfter(ObjectKey.of(PREFIX + after));
    int returned = store.list(request).objects().size();
    if (returned != RETURNED) {
      throw new IllegalStateException("the listing returned " + returned + " objects, not " + RETURNED);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    TempTrees.delete(directory);
  }

  /** One page: the directory read whole, the newest {@value #RETURNED} objects returned. */
  @Benchmark
  public ListPage listNewest() {
    return store.list(request);
  }
}
