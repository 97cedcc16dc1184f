package dev.tern.imap.protocol;

import java.time.LocalDate;
import java.util.List;

/**
 * A SEARCH criterion (RFC 3501 §6.4.4) as a tree. The parser folds synonyms: ANSWERED, UNSEEN,
 * KEYWORD x … become {@link HasFlag}; OLD is {@code \Recent} unset; NEW is RECENT and UNSEEN;
 * FROM, TO, CC, BCC and SUBJECT become {@link Header} with the field name in upper case; a list
 * of keys (top level or parenthesised) becomes {@link And}.
 */
public sealed interface SearchKey {

  record All() implements SearchKey {}

  /** Messages that have ({@code set}) or lack the flag. */
  record HasFlag(Flag flag, boolean set) implements SearchKey {}

  /** Header field {@code field} contains {@code value} (case-insensitive); an empty value matches any message with the field. */
  record Header(String field, String value) implements SearchKey {}

  record Body(String value) implements SearchKey {}

  /** Header or body contains the string. */
  record Text(String value) implements SearchKey {}

  /** INTERNALDATE ({@code sent == false}) or the Date: header compared by date, disregarding time and zone. */
  record Date(boolean sent, Comparison comparison, LocalDate date) implements SearchKey {}

  enum Comparison { BEFORE, ON, SINCE }

  /** RFC822.SIZE larger than ({@code larger}) or smaller than {@code size}. */
  record Size(boolean larger, long size) implements SearchKey {}

  record Sequence(SequenceSet set) implements SearchKey {}

  record Uid(SequenceSet set) implements SearchKey {}

  /** CONDSTORE: MODSEQ at least {@code modSeq} (entry name and type are parsed and dropped). */
  record ModSeq(long modSeq) implements SearchKey {}

  record Not(SearchKey key) implements SearchKey {}

  record Or(SearchKey left, SearchKey right) implements SearchKey {}

  record And(List<SearchKey> keys) implements SearchKey {
    public And {
      keys = List.copyOf(keys);
    }
  }
}
