package dev.tern.mailbox.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Address lists the way Dovecot 2.3's {@code message-address.c} parses them for ENVELOPE (flags
 * FILL_MISSING and NON_STRICT_DOTS): broken addresses become {@code MISSING_MAILBOX},
 * {@code MISSING_DOMAIN}, {@code SYNTAX_ERROR} or {@code INVALID_ROUTE} rather than disappearing, a
 * group is a start marker (mailbox = group name, domain = null) and an end marker (all null), and
 * parsing stops at the first thing it cannot make sense of.
 */
final class AddressParser {

  /** One ENVELOPE address: {@code (name adl mailbox host)}, each possibly null (NIL). */
  record Address(String name, String route, String mailbox, String domain) {
  }

  private final Rfc822Tokens parser;
  private final ByteString str = new ByteString(128);
  private final List<Address> addresses = new ArrayList<>();

  // the address being built (Dovecot's ctx->addr)
  private String name;
  private String route;
  private String mailbox;
  private String domain;
  private boolean invalidSyntax;

  private AddressParser(byte[] value) {
    parser = new Rfc822Tokens(value, new ByteString(128));
    parser.replaceNul = true;
  }

  /** The addresses in a header value (byte string), or an empty list (NIL). */
  static List<Address> parse(String value) {
    AddressParser p = new AddressParser(ByteString.bytes(value));
    if (p.parser.skipLwsp() > 0) {
      p.parseAddressList();
    }
    return p.addresses;
  }

  private void addAddress() {
    addresses.add(new Address(name, route, mailbox, domain));
    name = route = mailbox = domain = null;
    invalidSyntax = false;
  }

  private static int nonStrictDotAtom(Rfc822Tokens ctx, ByteString out) {
    int ret = -1;
    do {
      while (ctx.cur() == '.' && !ctx.atEnd()) {
        out.append('.');
        ctx.pos++;
        if (ctx.atEnd()) {
          return 0; // @domain is missing, but local-part parsing was successful
        }
        ret = 1;
      }
      if (ctx.cur() == '@') {
        break;
      }
      ret = ctx.parseAtom(out);
    } while (ret > 0 && ctx.cur() == '.');
    return ret;
  }

  private int parseLocalPart() {
    str.clear();
    int ret = parser.cur() == '"' && !parser.atEnd() ? parser.parseQuotedString(str) : nonStrictDotAtom(parser, str);
    if (ret < 0) {
      return -1;
    }
    mailbox = cString(str);
    return ret;
  }

  private int parseDomain() {
    str.clear();
    int ret = parser.parseDomain(str);
    if (ret < 0) {
      return -1;
    }
    domain = cString(str);
    return ret;
  }

  private int parseDomainList() {
    // obs-domain-list = "@" domain *(*(CFWS / ",") [CFWS] "@" domain)
    str.clear();
    for (;;) {
      if (parser.atEnd()) {
        return 0;
      }
      if (parser.cur() != '@') {
        break;
      }
      if (str.length() > 0) {
        str.append(',');
      }
      str.append('@');
      int ret = parser.parseDomain(str);
      if (ret <= 0) {
        return ret;
      }
      while (parser.skipLwsp() > 0 && parser.cur() == ',') {
        parser.pos++;
      }
    }
    route = cString(str);
    return 1;
  }

  private int parseAngleAddr() {
    // "<" [ "@" route ":" ] local-part "@" domain ">"
    parser.pos++;
    if (parser.skipLwsp() <= 0) {
      return -1;
    }
    if (parser.cur() == '@') {
      if (parseDomainList() > 0 && parser.cur() == ':') {
        parser.pos++;
      } else {
        route = "INVALID_ROUTE";
        if (parser.atEnd()) {
          return -1;
        }
        // try to continue anyway
      }
      if (parser.skipLwsp() <= 0) {
        return -1;
      }
    }
    if (parser.cur() == '>') {
      // <> address isn't valid
    } else {
      if (parseLocalPart() <= 0) {
        return -1;
      }
      if (parser.cur() == '@') {
        if (parseDomain() <= 0) {
          return -1;
        }
      }
    }
    if (parser.cur() != '>') {
      return -1;
    }
    parser.pos++;
    return parser.skipLwsp();
  }

  private int parseNameAddr() {
    str.clear();
    if (parser.parsePhrase(str) <= 0 || parser.cur() != '<') {
      return -1;
    }
    name = cString(str);
    if (name.isEmpty()) {
      name = null; // "<address>" without a display name
    }
    if (parseAngleAddr() < 0) {
      domain = "SYNTAX_ERROR";
      invalidSyntax = true;
    }
    return parser.atEnd() ? 0 : 1;
  }

  private int parseAddrSpec() {
    // addr-spec = local-part "@" domain
    int ret2 = -2;
    parser.lastComment.clear();
    boolean quotedString = parser.cur() == '"';
    int ret = parseLocalPart();
    if (ret <= 0) {
      invalidSyntax = true; // end of input or parsing local-part failed
    }
    if (ret != 0 && !parser.atEnd() && parser.cur() == '@') {
      ret2 = parseDomain();
      if (ret2 <= 0) {
        ret = ret2;
      }
    }
    if (parser.lastComment.length() > 0) {
      name = cString(parser.lastComment);
    } else if (ret2 == -2) {
      // A lone "user" is a mailbox, but if anything follows it is a display name.
      str.append(' ');
      int before = str.length();
      parser.parsePhrase(str);
      if (str.length() != before) {
        mailbox = null;
        name = cString(str);
      } else if (!quotedString) {
        domain = "";
      }
      invalidSyntax = true;
      ret = -1;
    }
    return ret;
  }

  private void addFixedAddress() {
    if (mailbox == null) {
      mailbox = "MISSING_MAILBOX";
      invalidSyntax = true;
    }
    if (domain == null || domain.isEmpty()) {
      domain = "MISSING_DOMAIN";
      invalidSyntax = true;
    }
    addAddress();
  }

  private int parseMailbox() {
    int start = parser.pos;
    int ret = parseNameAddr();
    if (ret < 0) {
      parser.pos = start;
      ret = parseAddrSpec();
      if (invalidSyntax && name == null && mailbox != null && domain == null) {
        name = mailbox;
        mailbox = null;
      }
    }
    if (ret < 0) {
      invalidSyntax = true;
    }
    addFixedAddress();
    return ret;
  }

  private int parseGroup() {
    str.clear();
    if (parser.parsePhrase(str) <= 0 || parser.cur() != ':') {
      return -1;
    }
    // from now on don't return -1 even if there are problems, so the caller knows this is a group
    parser.pos++;
    int ret = parser.skipLwsp();
    if (ret <= 0) {
      invalidSyntax = true;
    }
    mailbox = cString(str);
    addAddress();
    if (ret > 0 && parser.cur() != ';') {
      for (;;) {
        parseMailbox(); // broken mailbox: try to continue anyway
        if (parser.atEnd() || parser.cur() != ',') {
          break;
        }
        parser.pos++;
        if (parser.skipLwsp() <= 0) {
          ret = -1;
          break;
        }
      }
    }
    if (ret >= 0) {
      if (parser.atEnd() || parser.cur() != ';') {
        ret = -1;
      } else {
        parser.pos++;
        ret = parser.skipLwsp();
      }
    }
    if (ret < 0) {
      invalidSyntax = true;
    }
    addAddress();
    return ret == 0 ? 0 : 1;
  }

  private int parseAddress() {
    int start = parser.pos;
    int ret = parseGroup();
    if (ret < 0) {
      parser.pos = start;
      ret = parseMailbox();
    }
    return ret;
  }

  private void parseAddressList() {
    for (;;) {
      if (parseAddress() == 0) {
        break;
      }
      if (parser.atEnd() || parser.cur() != ',') {
        break;
      }
      parser.pos++;
      int ret = parser.skipLwsp();
      if (ret <= 0) {
        if (ret < 0) {
          addFixedAddress(); // ends with some garbage
        }
        break;
      }
    }
  }

  private static String cString(ByteString bytes) {
    return Rfc2231.cString(bytes);
  }
}
