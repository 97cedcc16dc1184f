package dev.tern.mailbox.message;

import dev.tern.mailbox.message.AddressParser.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a summary's ENVELOPE, BODY and BODYSTRUCTURE in IMAP syntax (RFC 3501 §7.4.2, RFC 9051
 * §7.5.2), byte for byte as Dovecot 2.3 does. Each method returns the parenthesised value that
 * follows the item name in a FETCH response; strings that cannot be quoted are literals
 * ({@code {n}CRLF} and raw bytes), so the result must be sent as is.
 *
 * <p>Dovecot's ways, kept on purpose so clients see what they see with Dovecot:
 * <ul>
 *   <li>a text part without a charset parameter gets {@code ("charset" "us-ascii")} appended, and a
 *       part without any Content-Type is {@code "text" "plain"} (RFC 2045 defaults);
 *   <li>types, subtypes, parameter names and encodings keep the case they were written in;
 *   <li>the default encoding is {@code "7bit"};
 *   <li>a multipart without parts is written with one empty text/plain part;
 *   <li>Subject and address names are cleaned for display (blanks collapsed), and sent as a literal
 *       whenever anything was cleaned or they hold 8-bit bytes or quotes; other strings are quoted
 *       unless they hold 8-bit bytes, CR/LF or more than four quotes or backslashes;
 *   <li>Sender and Reply-To default to From; Date, Message-ID and In-Reply-To are raw values with
 *       line breaks removed;
 *   <li>Content-MD5, Content-Location, Content-ID and Content-Description are raw values.
 * </ul>
 */
public final class ImapStructure {

  private static final String DEFAULT_CHARSET = "us-ascii";
  private static final String EMPTY_BODY = "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)";
  private static final String EMPTY_BODYSTRUCTURE =
      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)";

  private ImapStructure() {
  }

  /** The ENVELOPE value, {@code (date subject from sender reply-to to cc bcc in-reply-to message-id)}. */
  public static byte[] envelope(Envelope envelope) {
    ByteString out = new ByteString(256);
    out.append('(');
    writeEnvelope(out, envelope);
    out.append(')');
    return out.toByteArray();
  }

  /** The BODY value (no extension data). */
  public static byte[] body(Part root) {
    return structure(root, false);
  }

  /** The BODYSTRUCTURE value (with extension data). */
  public static byte[] bodyStructure(Part root) {
    return structure(root, true);
  }

  private static byte[] structure(Part root, boolean extended) {
    ByteString out = new ByteString(512);
    out.append('(');
    write(out, root, extended);
    out.append(')');
    return out.toByteArray();
  }

  private static void writeEnvelope(ByteString out, Envelope e) {
    if (e == null) {
      e = Envelope.EMPTY;
    }
    ImapStrings.nstringNoLf(out, ImapStrings.headerStrdup(e.date()));
    out.append(' ');
    if (e.subject() == null) {
      out.append("NIL");
    } else {
      ImapStrings.forHumans(out, ImapStrings.headerStrdup(e.subject()));
    }
    List<Address> from = addresses(e.from());
    out.append(' ');
    writeAddresses(out, from);
    out.append(' ');
    writeAddresses(out, orElse(addresses(e.sender()), from));
    out.append(' ');
    writeAddresses(out, orElse(addresses(e.replyTo()), from));
    out.append(' ');
    writeAddresses(out, addresses(e.to()));
    out.append(' ');
    writeAddresses(out, addresses(e.cc()));
    out.append(' ');
    writeAddresses(out, addresses(e.bcc()));
    out.append(' ');
    ImapStrings.nstringNoLf(out, ImapStrings.headerStrdup(e.inReplyTo()));
    out.append(' ');
    ImapStrings.nstringNoLf(out, ImapStrings.headerStrdup(e.messageId()));
  }

  private static List<Address> addresses(List<String> values) {
    if (values.size() == 1) {
      return AddressParser.parse(values.get(0));
    }
    List<Address> all = new ArrayList<>();
    for (String value : values) {
      all.addAll(AddressParser.parse(value));
    }
    return all;
  }

  private static List<Address> orElse(List<Address> list, List<Address> fallback) {
    return list.isEmpty() ? fallback : list;
  }

  private static void writeAddresses(ByteString out, List<Address> list) {
    if (list.isEmpty()) {
      out.append("NIL");
      return;
    }
    out.append('(');
    for (Address a : list) {
      out.append('(');
      if (a.name() == null) {
        out.append("NIL");
      } else {
        ImapStrings.forHumans(out, a.name());
      }
      out.append(' ');
      ImapStrings.nstring(out, a.route());
      out.append(' ');
      ImapStrings.nstring(out, a.mailbox());
      out.append(' ');
      ImapStrings.nstring(out, a.domain());
      out.append(')');
    }
    out.append(')');
  }

  private static void write(ByteString out, Part part, boolean extended) {
    if (part.kind() == Part.Kind.MULTIPART) {
      writeMultipart(out, part, extended);
    } else {
      writeSingle(out, part, extended);
    }
  }

  private static void writeChildren(ByteString out, List<Part> children, boolean extended) {
    for (Part child : children) {
      out.append('(');
      write(out, child, extended);
      out.append(')');
    }
  }

  private static void writeMultipart(ByteString out, Part part, boolean extended) {
    ContentFields c = part.content();
    if (part.children().isEmpty()) {
      out.append(extended ? EMPTY_BODYSTRUCTURE : EMPTY_BODY);
    } else {
      writeChildren(out, part.children(), extended);
    }
    out.append(' ');
    ImapStrings.nstring(out, c.subtype() == null ? "" : c.subtype());
    if (!extended) {
      return;
    }
    out.append(' ');
    writeParams(out, c.params(), false);
    writeCommonExtensions(out, c);
  }

  private static void writeSingle(ByteString out, Part part, boolean extended) {
    ContentFields c = part.content();
    Part message = part.message();
    boolean text;
    if (message != null) {
      out.append("\"message\" \"rfc822\"");
      text = false;
    } else if (c.type() == null) {
      out.append("\"text\" \"plain\"");
      text = true;
    } else {
      text = ByteString.equalsIgnoreCase(c.type(), "text");
      ImapStrings.nstring(out, c.type());
      out.append(' ');
      ImapStrings.nstring(out, c.subtype() == null ? "" : c.subtype());
    }
    out.append(' ');
    writeParams(out, c.params(), text);
    out.append(' ');
    ImapStrings.nstringNoLf(out, c.id());
    out.append(' ');
    ImapStrings.nstringNoLf(out, c.description());
    out.append(' ');
    ImapStrings.nstring(out, c.transferEncoding() == null ? "7bit" : c.transferEncoding());
    out.append(' ').appendDecimal(part.bodySize());
    if (text) {
      out.append(' ').appendDecimal(part.bodyLines());
    } else if (message != null) {
      out.append(" (");
      writeEnvelope(out, message.envelope());
      out.append(") ");
      writeChildren(out, part.children(), extended);
      out.append(' ').appendDecimal(part.bodyLines());
    }
    if (!extended) {
      return;
    }
    out.append(' ');
    ImapStrings.nstringNoLf(out, c.md5());
    writeCommonExtensions(out, c);
  }

  private static void writeCommonExtensions(ByteString out, ContentFields c) {
    out.append(' ');
    if (c.disposition() == null) {
      out.append("NIL");
    } else {
      out.append('(');
      ImapStrings.nstring(out, c.disposition());
      out.append(' ');
      writeParams(out, c.dispositionParams(), false);
      out.append(')');
    }
    out.append(' ');
    if (c.language().isEmpty()) {
      out.append("NIL");
    } else {
      out.append('(');
      for (int i = 0; i < c.language().size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        ImapStrings.nstring(out, c.language().get(i));
      }
      out.append(')');
    }
    out.append(' ');
    ImapStrings.nstringNoLf(out, c.location());
  }

  private static void writeParams(ByteString out, List<Param> params, boolean defaultCharset) {
    if (!defaultCharset && params.isEmpty()) {
      out.append("NIL");
      return;
    }
    out.append('(');
    boolean seenCharset = false;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      if (i > 0) {
        out.append(' ');
      }
      if (defaultCharset && ByteString.equalsIgnoreCase(p.name(), "charset")) {
        seenCharset = true;
      }
      ImapStrings.nstring(out, p.name());
      out.append(' ');
      ImapStrings.nstring(out, p.value());
    }
    if (defaultCharset && !seenCharset) {
      if (!params.isEmpty()) {
        out.append(' ');
      }
      out.append("\"charset\" \"").append(DEFAULT_CHARSET).append('"');
    }
    out.append(')');
  }
}
