package dev.tern.mailbox.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Content-Type/Content-Disposition parameters the way Dovecot 2.3's {@code rfc2231-parser.c}
 * returns them: plain parameters first, in order; then RFC 2231 {@code name*n[*]} sections, sorted
 * and joined under {@code name} or {@code name*} (value left percent-encoded, {@code ''} prefixed
 * when only later sections were extended), or listed one by one when a section is missing.
 * Unparsable input is skipped byte by byte.
 */
final class Rfc2231 {

  private Rfc2231() {
  }

  private record Section(String key, String value, long index, boolean extended) {
  }

  static List<Param> parse(Rfc822Tokens tokens) {
    boolean savedReplaceNul = tokens.replaceNul;
    tokens.replaceNul = true;
    List<Param> result = new ArrayList<>();
    List<Section> sections = new ArrayList<>();
    ByteString key = new ByteString(32);
    ByteString value = new ByteString(64);
    // Dovecot reuses one struct for every section, so a bare "name*" inherits the previous index.
    long index = 0;
    int ret;
    while ((ret = tokens.parseContentParam(key, value)) != 0) {
      if (ret < 0) {
        if (tokens.atEnd()) {
          break;
        }
        tokens.pos++;
        continue;
      }
      String k = cString(key);
      String v = cString(value);
      int star = k.indexOf('*');
      boolean plain = true;
      if (star >= 0) {
        int p = star;
        if (p + 1 < k.length()) {
          p++;
          index = 0;
          while (p < k.length() && k.charAt(p) >= '0' && k.charAt(p) <= '9') {
            index = (index * 10 + (k.charAt(p) - '0')) & 0xffffffffL; // C unsigned int
            p++;
          }
        }
        boolean extended = p < k.length() && k.charAt(p) == '*';
        if (extended) {
          p++;
        }
        if (p >= k.length()) {
          sections.add(new Section(k.substring(0, star), v, index, extended));
          plain = false;
        }
      }
      if (plain) {
        result.add(new Param(k, v));
      }
    }
    tokens.replaceNul = savedReplaceNul;
    if (sections.isEmpty()) {
      return result;
    }
    // Sort by key (bytewise, as strcmp) then index; List.sort is stable, qsort is not, which only
    // matters for duplicate sections.
    sections.sort((a, b) -> {
      int byKey = a.key().compareTo(b.key());
      return byKey != 0 ? byKey : Long.compare(a.index(), b.index());
    });
    int next;
    for (int i = 0; i < sections.size(); i = next) {
      boolean ok = true;
      boolean haveExtended = false;
      long nextIndex = 0;
      int j = i;
      for (; j < sections.size(); j++) {
        if (!ByteString.equalsIgnoreCase(sections.get(i).key(), sections.get(j).key())) {
          break;
        }
        if (sections.get(j).index() != nextIndex) {
          ok = false;
        }
        if (sections.get(j).extended()) {
          haveExtended = true;
        }
        nextIndex++;
      }
      next = j;
      if (!ok) {
        for (j = i; j < next; j++) {
          Section s = sections.get(j);
          result.add(new Param(s.key() + "*" + s.index() + (s.extended() ? "*" : ""), s.value()));
        }
      } else {
        StringBuilder joined = new StringBuilder();
        if (!sections.get(i).extended() && haveExtended) {
          joined.append("''");
        }
        for (j = i; j < next; j++) {
          Section s = sections.get(j);
          if (!s.extended() && haveExtended) {
            joined.append(s.value().replace("%", "%25"));
          } else {
            joined.append(s.value());
          }
        }
        String name = sections.get(i).key() + (haveExtended ? "*" : "");
        result.add(new Param(name, joined.toString()));
      }
    }
    return result;
  }

  /** A byte string cut at its first NUL, as a C string would be. */
  static String cString(ByteString bytes) {
    String s = bytes.toString();
    int nul = s.indexOf('\0');
    return nul >= 0 ? s.substring(0, nul) : s;
  }
}
