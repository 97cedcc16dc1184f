package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.HeapBudget;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillTest {

  @TempDir Path directory;

  private static byte[] text(int size) {
    byte[] bytes = new byte[size];
    byte[] marker = "PLAINTEXT-MARKER ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      bytes[i] = marker[i % marker.length];
    }
    return bytes;
  }

  private static void writeInChunks(Spill spill, byte[] message) {
    for (int at = 0; at < message.length; at += 10_000) {
      spill.write(Unpooled.wrappedBuffer(message, at, Math.min(10_000, message.length - at)));
    }
  }

  private long files() throws IOException {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.count();
    }
  }

  private static byte[] read(Spill spill) throws IOException {
    try (InputStream in = spill.open()) {
      return in.readAllBytes();
    }
  }

  @Test
  void aSmallMessageStaysInTheHeapWithinTheBudgetAndGivesItBack() throws IOException {
    HeapBudget budget = new HeapBudget(1_000_000);
    byte[] message = text(20_000);
    try (Spill spill = Spill.create(directory, budget)) {
      writeInChunks(spill, message);
      spill.finish();
      assertFalse(spill.inFile());
      assertEquals(0, files(), "no file for a small message");
      assertEquals(1_000_000 - 20_000, budget.left());
      assertArrayEquals(message, read(spill));
      assertArrayEquals(message, read(spill), "read once per recipient");
    }
    assertEquals(1_000_000, budget.left(), "given back on close");
  }

  @Test
  void aLargeMessageOrASpentBudgetGoesToAnEncryptedFileDeletedOnClose() throws IOException {
    HeapBudget budget = new HeapBudget(1_000_000);
    byte[] large = text(HeapBudget.MESSAGE + 50_000);
    try (Spill spill = Spill.create(directory, budget)) {
      writeInChunks(spill, large);
      spill.finish();
      assertTrue(spill.inFile());
      assertEquals(1, files());
      try (Stream<Path> listing = Files.list(directory)) {
        Path file = listing.findFirst().orElseThrow();
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("PLAINTEXT-MARKER"),
            "nothing in clear on disk, also what was in memory before");
      }
      assertEquals(1_000_000, budget.left(), "the memory part given back when it moved to the file");
      assertArrayEquals(large, read(spill));
    }
    assertEquals(0, files());

    HeapBudget spent = new HeapBudget(5_000);
    byte[] small = text(20_000);
    try (Spill spill = Spill.create(directory, spent)) {
      writeInChunks(spill, small);
      spill.finish();
      assertTrue(spill.inFile(), "over the budget left for all sessions");
      assertArrayEquals(small, read(spill));
    }
    assertEquals(5_000, spent.left());
    assertEquals(0, files());
  }
}
