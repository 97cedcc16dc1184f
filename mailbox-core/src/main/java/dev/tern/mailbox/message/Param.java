package dev.tern.mailbox.message;

import java.util.Objects;

/**
 * One Content-Type or Content-Disposition parameter, as Dovecot keeps it: the attribute as
 * written, the value unquoted; RFC 2231 continuations are joined under {@code name*} with the
 * value left encoded ({@code utf-8''%E2%82%AC}). Byte strings (see the package description).
 */
public record Param(String name, String value) {

  public Param {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
