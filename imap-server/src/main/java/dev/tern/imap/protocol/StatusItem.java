package dev.tern.imap.protocol;

/** STATUS data items (RFC 3501, CONDSTORE's HIGHESTMODSEQ, RFC 8438's SIZE). */
public enum StatusItem {
  MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, SIZE
}
