package dev.tern.mailbox.message;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Tern keeps about a message besides its raw bytes: everything FETCH needs except body
 * contents, and the header fields SEARCH needs. Immutable; stored encrypted as {@code meta/<id>}
 * next to {@code blob/<id>} ({@link MessageSummaryCodec}).
 *
 * @param internalDate the IMAP INTERNALDATE (APPEND's date or the delivery time), to the second
 * @param physicalSize the raw message's length in bytes, as stored
 * @param size RFC822.SIZE: the length with every bare LF counted as CRLF
 * @param body the root part (the message itself), with the envelope
 * @param headers the top-level header fields, in order, within a budget (see {@link MessageParser})
 * @param headersTruncated true if some header field was left out of {@code headers} or cut short
 * @param structureTruncated true if a parser limit was hit (nesting depth, number of parts, line
 *     length, header count, or a part mime4j and Dovecot's rules disagree on): the part tree is then
 *     best effort, but sizes and offsets still cover the whole message
 */
public record MessageSummary(
    OffsetDateTime internalDate,
    long physicalSize,
    long size,
    Part body,
    List<HeaderField> headers,
    boolean headersTruncated,
    boolean structureTruncated) {

  public MessageSummary {
    internalDate = Objects.requireNonNull(internalDate, "internalDate").truncatedTo(ChronoUnit.SECONDS);
    Objects.requireNonNull(body, "body");
    headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
    if (physicalSize < 0 || size < physicalSize) {
      throw new IllegalArgumentException("sizes out of range: " + physicalSize + ", " + size);
    }
  }

  /** The message's envelope. */
  public Envelope envelope() {
    return body.envelope() != null ? body.envelope() : Envelope.EMPTY;
  }

  /**
   * The part an IMAP section number names ({@code BODY[1.2]} is {@code section(1, 2)}), following
   * RFC 3501 §6.4.5: a multipart's parts are numbered from 1; a message/rfc822 part's number, with
   * more numbers after it, continues into the encapsulated message; the body of a message that is
   * not multipart is its part 1. The part's header is {@code BODY[…​.MIME]}, its body {@code
   * BODY[…]}; for a message/rfc822 part, {@link Part#message()} has {@code .HEADER} and {@code .TEXT}.
   * No numbers name the root. Empty if there is no such part.
   */
  public Optional<Part> section(int... path) {
    Part current = body;
    boolean atMessage = true;
    for (int number : path) {
      Part container;
      if (atMessage || current.kind() == Part.Kind.MULTIPART) {
        container = current;
      } else if (current.message() != null) {
        container = current.message();
      } else {
        return Optional.empty();
      }
      if (container.kind() == Part.Kind.MULTIPART) {
        if (number < 1 || number > container.children().size()) {
          return Optional.empty();
        }
        current = container.children().get(number - 1);
      } else if (number == 1) {
        current = container;
      } else {
        return Optional.empty();
      }
      atMessage = false;
    }
    return Optional.of(current);
  }
}
