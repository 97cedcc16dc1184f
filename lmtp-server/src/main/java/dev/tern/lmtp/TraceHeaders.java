package dev.tern.lmtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The header fields prepended to each recipient's copy, in the reference Dovecot's order and
 * layout (what its LMTP writes for a one-recipient transaction):
 *
 * <pre>
 * Return-Path: &lt;sender&gt;
 * Delivered-To: recipient
 * Received: from lhlo-name ([client-ip])
 * 	by hostname with LMTP
 * 	id transaction-id
 * 	(envelope-from &lt;sender&gt;)
 * 	for &lt;recipient&gt;; Mon, 23 Nov 2026 12:55:46 +0000
 * </pre>
 *
 * Dovecot leaves out {@code Delivered-To} and {@code for} when a transaction has several
 * recipients, because it stores one copy for all of them; Tern seals a copy per recipient anyway,
 * so each copy names its own recipient (which tells no recipient about another).
 */
final class TraceHeaders {

  /** RFC 5322 date-time as Dovecot writes it: two-digit day, numeric zone. */
  static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.ENGLISH);

  private TraceHeaders() {}

  /**
   * @param helo the LHLO name, or null when none was given or it was no domain (written "unknown")
   * @param clientIp the client's IP address, or null when not known
   * @param sender null for the null reverse-path
   * @param utf8 an SMTPUTF8 transaction, written {@code with UTF8LMTP} (RFC 6531 3.7.3)
   */
  static byte[] render(String helo, String clientIp, String hostname, String transactionId, Address sender,
      Address recipient, ZonedDateTime date, boolean utf8) {
    String from = sender == null ? "" : sender.encode();
    String to = recipient.encode();
    StringBuilder out = new StringBuilder(256);
    out.append("Return-Path: <").append(from).append(">\r\n");
    out.append("Delivered-To: ").append(to).append("\r\n");
    out.append("Received: from ").append(helo == null ? "unknown" : helo);
    if (clientIp != null) {
      out.append(" ([").append(clientIp).append("])");
    }
    out.append("\r\n\tby ").append(hostname).append(" with ").append(utf8 ? "UTF8LMTP" : "LMTP");
    out.append("\r\n\tid ").append(transactionId);
    out.append("\r\n\t(envelope-from <").append(from).append(">)");
    out.append("\r\n\tfor <").append(to).append(">; ").append(DATE.format(date)).append("\r\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
