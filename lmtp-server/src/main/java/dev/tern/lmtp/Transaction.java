package dev.tern.lmtp;

import dev.tern.mailbox.User;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction, from MAIL to the end of the data (or RSET): the sender, when it began
 * (the {@code Received:} date, taken at MAIL as Dovecot does), and the recipients accepted so far.
 */
final class Transaction {

  /** An accepted recipient; {@code id} names its delivery in the {@code 250 ... Saved} reply. */
  record Recipient(Address address, User user, String id) {}

  final String id;
  final Address sender;
  final boolean smtpUtf8;
  final ZonedDateTime started;
  private final List<Recipient> recipients = new ArrayList<>();
  private int rcptCommands;

  Transaction(String id, Address sender, boolean smtpUtf8, ZonedDateTime started) {
    this.id = id;
    this.sender = sender;
    this.smtpUtf8 = smtpUtf8;
    this.started = started;
  }

  /**
   * Counts a RCPT command and returns the id its delivery would have: the transaction's id for
   * the first, then {@code id:R<n>} for the n-th RCPT command (refused ones counted), as Dovecot
   * numbers them.
   */
  String nextRecipientId() {
    rcptCommands++;
    return rcptCommands == 1 ? id : id + ":R" + rcptCommands;
  }

  void accept(Recipient recipient) {
    recipients.add(recipient);
  }

  List<Recipient> recipients() {
    return recipients;
  }
}
