package dev.tern.mailbox.message;

import java.util.List;
import java.util.Objects;

/**
 * One MIME part of a message, the message itself being the root part.
 *
 * <p>Offsets are positions in the raw message as stored: {@code [headerOffset, bodyOffset)} is the
 * part's header including the blank line that ends it (what {@code BODY[n.MIME]} returns, or
 * {@code BODY[HEADER]} for a message), {@code [bodyOffset, endOffset)} its body ({@code BODY[n]},
 * {@code BODY[TEXT]}). A body part ends before the line break that precedes the next boundary, as
 * RFC 2046 says; that line break and the boundary lines belong to the enclosing multipart's body.
 *
 * <p>A message/rfc822 part ({@link Kind#MESSAGE}) has exactly one child: the encapsulated message,
 * whose header is {@code BODY[n.HEADER]}, whose body is {@code BODY[n.TEXT]}, and which carries the
 * encapsulated message's {@link #envelope()}. The encapsulated message is parsed from the raw body,
 * whatever its Content-Transfer-Encoding, as Dovecot does.
 *
 * @param kind how the part is structured (Dovecot's part flags, not the Content-Type as written)
 * @param content the Content-* fields for BODYSTRUCTURE
 * @param envelope the envelope if this part is a message (the root part, or the child of a
 *     message/rfc822 part), otherwise null
 * @param headerSize header size as IMAP counts it (bare LF counted as CRLF)
 * @param bodySize body size as IMAP counts it, the size in BODY/BODYSTRUCTURE
 * @param bodyLines number of line feeds in the body, the line count in BODY/BODYSTRUCTURE
 * @param children the parts of a multipart, or the encapsulated message of a message/rfc822 part
 */
public record Part(
    Kind kind,
    ContentFields content,
    Envelope envelope,
    long headerOffset,
    long bodyOffset,
    long endOffset,
    long headerSize,
    long bodySize,
    long bodyLines,
    List<Part> children) {

  /** Dovecot's part types: what decides how a part is parsed and written. */
  public enum Kind {
    /** text/* or a part without a usable Content-Type: BODYSTRUCTURE has a line count. */
    TEXT,
    /** multipart/*: BODYSTRUCTURE lists the children (or one empty text/plain part if none). */
    MULTIPART,
    /** message/rfc822 (or no Content-Type inside multipart/digest): envelope, body, lines. */
    MESSAGE,
    /** anything else. */
    BASIC
  }

  public Part {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(content, "content");
    children = List.copyOf(Objects.requireNonNull(children, "children"));
    if (headerOffset < 0 || bodyOffset < headerOffset || endOffset < bodyOffset) {
      throw new IllegalArgumentException("offsets out of order: " + headerOffset + ", " + bodyOffset + ", " + endOffset);
    }
  }

  /** The encapsulated message of a message/rfc822 part, or null. */
  public Part message() {
    return kind == Kind.MESSAGE && !children.isEmpty() ? children.get(0) : null;
  }
}
