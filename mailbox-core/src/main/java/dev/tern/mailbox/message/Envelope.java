package dev.tern.mailbox.message;

/**
 * The raw header values an IMAP ENVELOPE is made of, for the top-level message and for each
 * message/rfc822 part. Each is the value of the last field of that name (Dovecot's choice), as
 * described for {@link HeaderField#value()}, or null when the message has no such field. The
 * address fields are parsed only when the ENVELOPE is written ({@link ImapStructure}), with
 * Dovecot's address parser.
 *
 * <p>Folded values keep their line breaks (as LF) rather than being unfolded: Dovecot sends a
 * folded Subject as a literal and an unfolded one as a quoted string, so the break is part of what
 * the client sees.
 */
public record Envelope(
    String date,
    String subject,
    String from,
    String sender,
    String replyTo,
    String to,
    String cc,
    String bcc,
    String inReplyTo,
    String messageId) {

  /** Field names in ENVELOPE order, as {@link #field(int)} numbers them. */
  static final String[] NAMES = {
      "Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID"};

  public static final Envelope EMPTY = new Envelope(null, null, null, null, null, null, null, null, null, null);

  /** The field at {@code index} in ENVELOPE order (0 = Date … 9 = Message-ID). */
  String field(int index) {
    return switch (index) {
      case 0 -> date;
      case 1 -> subject;
      case 2 -> from;
      case 3 -> sender;
      case 4 -> replyTo;
      case 5 -> to;
      case 6 -> cc;
      case 7 -> bcc;
      case 8 -> inReplyTo;
      case 9 -> messageId;
      default -> throw new IndexOutOfBoundsException(index);
    };
  }

  static Envelope of(String[] fields) {
    return new Envelope(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6],
        fields[7], fields[8], fields[9]);
  }

  /** ENVELOPE index of a header name (ASCII case-insensitive), or -1. */
  static int indexOf(String headerName) {
    for (int i = 0; i < NAMES.length; i++) {
      if (ByteString.equalsIgnoreCase(NAMES[i], headerName)) {
        return i;
      }
    }
    return -1;
  }
}
