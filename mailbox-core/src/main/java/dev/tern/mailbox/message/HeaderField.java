package dev.tern.mailbox.message;

import java.util.Objects;

/**
 * One header field of a message, kept for SEARCH and for FETCH of header fields: the name as
 * written (without the colon and the blanks before it), and the value as Dovecot's header parser
 * yields it: blanks after the colon skipped, continuation lines joined with a single LF (their
 * leading blanks kept, CRs dropped). Byte strings (see the package description).
 */
public record HeaderField(String name, String value) {

  public HeaderField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
