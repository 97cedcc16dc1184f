/**
 * Message summaries: a message is parsed once, streaming, when it is delivered or appended
 * ({@link dev.tern.mailbox.message.MessageParser}), into a compact {@link
 * dev.tern.mailbox.message.MessageSummary} stored next to the blob, so that IMAP FETCH of ENVELOPE,
 * BODY, BODYSTRUCTURE, RFC822.SIZE, INTERNALDATE and header fields, and SEARCH on headers, never
 * read the blob. {@link dev.tern.mailbox.message.ImapStructure} renders ENVELOPE, BODY and
 * BODYSTRUCTURE exactly as Dovecot 2.3 does (RFC 3501 §7.4.2, RFC 9051 §7.5.2), and {@link
 * dev.tern.mailbox.message.MessageSummaryCodec} stores a summary as CBOR.
 *
 * <p><b>Strings from a message are byte strings.</b> Header values, parameters and the like are
 * kept exactly as the message had them, one {@code char} per byte (ISO-8859-1), whatever charset
 * the bytes were meant in: IMAP answers must repeat those bytes, and the renderer writes each
 * {@code char} back as one byte. Decode with the declared charset (or RFC 2047) only for display or
 * for matching (SEARCH).
 *
 * <p><b>Sizes.</b> Offsets ({@code headerOffset}, {@code bodyOffset}, {@code endOffset}) are byte
 * positions in the message as parsed, for ranged reads of the blob. Sizes as IMAP reports them
 * ({@code size}, {@code headerSize}, {@code bodySize}) count a bare LF as CRLF, as Dovecot does.
 * Delivery should store and parse messages through {@link
 * dev.tern.mailbox.message.LineEndNormalizer} (Dovecot's own rewrite on save): then sizes are
 * lengths, and FETCH sends the stored bytes as they are, NUL excepted (sent as 0x80, as Dovecot
 * does). A message parsed with bare LFs would need its missing CRs added on the way out.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3501#section-7.4.2">RFC 3501 §7.4.2</a>
 */
package dev.tern.mailbox.message;
