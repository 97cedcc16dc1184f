package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Dovecot's quoting choices (each case checked against the reference Dovecot's answers). */
class ImapStringsTest {

  private static String nstring(String s) {
    ByteString out = new ByteString();
    ImapStrings.nstring(out, s);
    return out.toString();
  }

  private static String humans(String s) {
    ByteString out = new ByteString();
    ImapStrings.forHumans(out, s);
    return out.toString();
  }

  private static String noLf(String s) {
    ByteString out = new ByteString();
    ImapStrings.nstringNoLf(out, s);
    return out.toString();
  }

  @Test
  void nstringQuotesUpToFourSpecialsThenUsesALiteral() {
    assertEquals("NIL", nstring(null));
    assertEquals("\"\"", nstring(""));
    assertEquals("\"plain\"", nstring("plain"));
    assertEquals("\"a\\\"b\\\\c\\\"d\\\"\"", nstring("a\"b\\c\"d\""));
    assertEquals("\"a\\\"b\\\"c\\\"d\\\"e\"", nstring("a\"b\"c\"d\"e"));
    assertEquals("{10}\r\na\"b\"c\"d\"e\"", nstring("a\"b\"c\"d\"e\""));
    assertEquals("{5}\r\ncaf\u00c3\u00a9", nstring("caf\u00c3\u00a9"));
    assertEquals("{3}\r\na\nb", nstring("a\nb"));
    assertEquals("\"cut\"", nstring("cut\0here"));
  }

  @Test
  void noLfDropsLineBreaksAndKeepsWordsApart() {
    assertEquals("\"<a@b> <c@d>\"", noLf("<a@b>\n <c@d>"));
    assertEquals("\" <x@y>\"", noLf("\n <x@y>"));
    assertEquals("\"a b\"", noLf("a\r\nb"));
  }

  @Test
  void forHumansCollapsesBlanksAndSendsCleanedStringsAsLiterals() {
    assertEquals("\"A simple subject\"", humans("A simple subject"));
    assertEquals("{3}\r\nx y", humans("x  y"));
    assertEquals("{8}\r\nhi there", humans("hi\n there"));
    assertEquals("\"\"", humans("  "));
    assertEquals("\"\"", humans(""));
    assertEquals("{5}\r\n\"q\" b", humans("\"q\" b"));
    assertEquals("{1}\r\na", humans("a\r"));
  }
}
