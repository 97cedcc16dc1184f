package dev.tern.mailbox.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The raw header values an IMAP ENVELOPE is made of, for the top-level message and for each
 * message/rfc822 part, taken as Dovecot takes them: of Date, Subject, In-Reply-To and Message-ID
 * the last field wins (null if there is none); the address fields keep every occurrence, in order,
 * because Dovecot appends the addresses of each. Values are as described for {@link
 * HeaderField#value()}; the addresses are parsed only when the ENVELOPE is written ({@link
 * ImapStructure}), with Dovecot's address parser.
 *
 * <p>Folded values keep their line breaks (as LF) rather than being unfolded: Dovecot sends a
 * folded Subject as a literal and an unfolded one as a quoted string, so the break is part of what
 * the client sees.
 */
public record Envelope(
    String date,
    String subject,
    List<String> from,
    List<String> sender,
    List<String> replyTo,
    List<String> to,
    List<String> cc,
    List<String> bcc,
    String inReplyTo,
    String messageId) {

  /** Header names in ENVELOPE order. */
  static final List<String> NAMES = List.of(
      "Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID");

  public static final Envelope EMPTY =
      new Envelope(null, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null, null);

  public Envelope {
    from = List.copyOf(Objects.requireNonNull(from, "from"));
    sender = List.copyOf(Objects.requireNonNull(sender, "sender"));
    replyTo = List.copyOf(Objects.requireNonNull(replyTo, "replyTo"));
    to = List.copyOf(Objects.requireNonNull(to, "to"));
    cc = List.copyOf(Objects.requireNonNull(cc, "cc"));
    bcc = List.copyOf(Objects.requireNonNull(bcc, "bcc"));
  }

  /** ENVELOPE index of a header name (ASCII case-insensitive), or -1. */
  static int indexOf(String headerName) {
    for (int i = 0; i < NAMES.size(); i++) {
      if (ByteString.equalsIgnoreCase(NAMES.get(i), headerName)) {
        return i;
      }
    }
    return -1;
  }

  /** True for the fields that are address lists (From … Bcc). */
  static boolean isAddressField(int index) {
    return index >= 2 && index <= 7;
  }

  /** Collects an envelope field by field, in header order. */
  static final class Builder {
    private final String[] strings = new String[NAMES.size()];
    private final List<List<String>> addresses = new ArrayList<>();

    Builder() {
      for (int i = 0; i < NAMES.size(); i++) {
        addresses.add(new ArrayList<>());
      }
    }

    void add(int index, String value) {
      if (isAddressField(index)) {
        addresses.get(index).add(value);
      } else {
        strings[index] = value;
      }
    }

    Envelope build() {
      return new Envelope(strings[0], strings[1], addresses.get(2), addresses.get(3), addresses.get(4),
          addresses.get(5), addresses.get(6), addresses.get(7), strings[8], strings[9]);
    }
  }
}
