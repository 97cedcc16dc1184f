package dev.tern.bench;

import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3ObjectStore;
import dev.tern.storage.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * 4 KiB puts and gets (the size of an op or a summary), one thread, on the embedded {@link
 * FileObjectStore} in a temporary directory (each put forced to disk) and on {@link
 * S3ObjectStore} against S3Proxy on loopback, which keeps objects in memory ({@code s3-memory})
 * or as files ({@code s3-files}, not forced to disk). The S3 figures are the cost of the client,
 * HTTP, SigV4 and S3Proxy: a lower bound for a real server, which adds its network and disks.
 *
 * <pre>bench/run StoreBench -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreBench {

  static final int SIZE = 4096;
  static final int READ_KEYS = 1000;

  @Param({"file", "s3-memory", "s3-files"})
  public String store;

  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();
  private byte[] data;
  private ObjectKey[] readKeys;
  private Path directory;
  private S3ProxyServer server;
  private ObjectStore objects;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = new byte[SIZE];
    new SplittableRandom(42).nextBytes(data);
    directory = Files.createTempDirectory("tern-storebench-");
    objects = switch (store) {
      case "file" -> new FileObjectStore(directory);
      case "s3-memory" -> {
        server = S3ProxyServer.start();
        yield new S3ObjectStore(server.config());
      }
      case "s3-files" -> {
        server = S3ProxyServer.start(directory);
        yield new S3ObjectStore(server.config());
      }
      default -> throw new IllegalArgumentException("unknown store " + store);
    };
    readKeys = new ObjectKey[READ_KEYS];
    for (int i = 0; i < READ_KEYS; i++) {
      readKeys[i] = ObjectKey.of("users/1/meta/" + String.format("%08x", i));
      objects.put(readKeys[i], data);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    objects.close();
    if (server != null) {
      server.close();
    }
    TempTrees.delete(directory);
  }

  /** A put of a new 4 KiB object (keys are never reused, as Tern's are written once). */
  @Benchmark
  public void put4k() {
    objects.put(ObjectKey.of("users/1/log/op/" + String.format("%016x", puts.incrementAndGet())), data);
  }

  /** A get of one of 1 000 existing 4 KiB objects, read whole. */
  @Benchmark
  public byte[] get4k() {
    return objects.getBytes(readKeys[(int) (gets.incrementAndGet() % READ_KEYS)]);
  }
}
