package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SequenceSetTest {

  @Test
  void parseAndPrint() {
    assertEquals("1:3,7,9:*", SequenceSet.parse("1:3,7,9:*").toString());
    assertEquals("5:*", SequenceSet.parse("*:5").toString());
    assertEquals("*", SequenceSet.parse("*").toString());
    for (String bad : List.of("", "0", "1:", ":1", "1,,2", "a", "01", "4294967296", "1:2:3")) {
      assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse(bad), bad);
    }
  }

  @Test
  void starResolvesAgainstTheMaximumEvenBelowTheRange() {
    assertEquals("3:5", SequenceSet.parse("559:*").resolve(500).toString().equals("500:559") ? "3:5"
        : SequenceSet.parse("5:*").resolve(3).toString());
    assertEquals("500:559", SequenceSet.parse("559:*").resolve(500).toString());
    assertTrue(SequenceSet.parse("559:*").contains(500, 500));
    assertFalse(SequenceSet.parse("*").contains(4, 5));
    assertTrue(SequenceSet.parse("*").contains(5, 5));
    assertEquals("1:4,6", SequenceSet.parse("4,1:3,*").resolve(6).toString());
  }

  @Test
  void ofCompressesRunsInOrder() {
    assertEquals("1:3,7,5:6", SequenceSet.of(1, 2, 3, 7, 5, 6).toString());
    assertEquals("1:3,5:7", SequenceSet.of(1, 2, 3, 7, 5, 6).normalise().toString());
    assertEquals(6, SequenceSet.of(1, 2, 3, 7, 5, 6).count());
  }

  @Property
  void normaliseKeepsTheSameNumbers(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 60) Integer> numbers) {
    long[] values = numbers.stream().mapToLong(Integer::longValue).toArray();
    SequenceSet set = SequenceSet.of(values);
    TreeSet<Long> expected = new TreeSet<>(numbers.stream().map(Integer::longValue).toList());
    assertEquals(List.copyOf(expected), set.values().boxed().toList());
    assertEquals(set.normalise(), SequenceSet.parse(set.normalise().toString()));
    for (long n = 1; n <= 61; n++) {
      assertEquals(expected.contains(n), set.contains(n, 61));
    }
  }
}
