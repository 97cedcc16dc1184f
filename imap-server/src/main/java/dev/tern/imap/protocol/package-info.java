/**
 * IMAP framing, command parsing and response writing, with no mailbox logic
 * (<a href="https://www.rfc-editor.org/rfc/rfc3501">RFC 3501</a> and the extensions Tern speaks).
 */
package dev.tern.imap.protocol;
