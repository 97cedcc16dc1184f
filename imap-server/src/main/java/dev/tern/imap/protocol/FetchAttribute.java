package dev.tern.imap.protocol;

import java.util.List;

/**
 * A FETCH data item (RFC 3501 §6.4.5). The macros ALL, FAST and FULL are expanded by the parser.
 * RFC822, RFC822.HEADER and RFC822.TEXT stay distinct from their BODY[] equivalents because the
 * response names them differently.
 */
public sealed interface FetchAttribute {

  enum Simple implements FetchAttribute {
    ENVELOPE("ENVELOPE"), FLAGS("FLAGS"), INTERNALDATE("INTERNALDATE"), RFC822("RFC822"),
    RFC822_HEADER("RFC822.HEADER"), RFC822_SIZE("RFC822.SIZE"), RFC822_TEXT("RFC822.TEXT"),
    BODY("BODY"), BODYSTRUCTURE("BODYSTRUCTURE"), UID("UID"), MODSEQ("MODSEQ");

    private final String wireName;

    Simple(String wireName) {
      this.wireName = wireName;
    }

    /** The name as it appears on the wire. */
    public String wireName() {
      return wireName;
    }
  }

  /**
   * {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}.
   *
   * @param partial the {@code <start.count>} range, or null for the whole section
   */
  record BodySection(Section section, boolean peek, Partial partial) implements FetchAttribute {}

  /**
   * A section spec: a part path ({@code 1.2.3}; empty for the whole message) and what of it.
   *
   * @param fields the header field names for HEADER.FIELDS and HEADER.FIELDS.NOT, as sent
   */
  record Section(List<Integer> part, SectionText text, List<String> fields) {
    public static final Section WHOLE = new Section(List.of(), SectionText.NONE, List.of());

    public Section {
      part = List.copyOf(part);
      fields = List.copyOf(fields);
    }
  }

  enum SectionText { NONE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

  /** {@code <start.count>}. */
  record Partial(long start, long count) {}
}
