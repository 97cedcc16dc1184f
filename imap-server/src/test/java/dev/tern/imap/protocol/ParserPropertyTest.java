package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever a client sends, the parser answers with a {@link ParseResult} and never throws. */
class ParserPropertyTest {

  @Property(tries = 3000)
  void randomBytesNeverThrow(@ForAll @Size(max = 200) byte[] bytes) {
    assertNotNull(CommandParser.MUTF7.parse(bytes));
    assertNotNull(CommandParser.UTF8.parse(bytes));
  }

  @Property(tries = 5000)
  void imapLookingLinesNeverThrow(@ForAll("lines") String line) {
    byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    assertNotNull(CommandParser.MUTF7.parse(bytes));
    assertNotNull(CommandParser.UTF8.parse(bytes));
  }

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> words = Arbitraries.of("a", "UID", "FETCH", "SEARCH", "STORE", "APPEND", "LIST", "SELECT",
        "STATUS", "LOGIN", "ID", "NIL", "BODY[", "BODY.PEEK[", "HEADER.FIELDS", "]", "(", ")", "<", ">", "1:*",
        "*", "1", "0", "4294967296", "99999999999999999999", ",", ":", "\"", "\\", "{", "}", "{3}", "{3+}\r\nabc",
        "~{1}", "\r\n", "&", "&Jjo-", "&-", "OR", "NOT", "CHARSET", "UTF-8", "SINCE", "1-Jan-2020", "+FLAGS",
        "\\Seen", "RETURN", "STATUS", "CHANGEDSINCE", "QRESYNC", "MODSEQ", "\"a\"", "USE", "=", "-", ".", "2.3",
        "MIME", "TEXT", "HEADER", "\u00e9", "\u0000");
    Arbitrary<String> sep = Arbitraries.of(" ", "", " ", "  ");
    return Arbitraries.of("a ", "A1 ", "", "* ", "+ ").flatMap(tag ->
        words.list().ofMaxSize(25).flatMap(ws -> sep.list().ofSize(ws.size()).map(ss -> {
          StringBuilder sb = new StringBuilder(tag);
          for (int i = 0; i < ws.size(); i++) {
            sb.append(ws.get(i)).append(ss.get(i));
          }
          return sb.toString();
        })));
  }
}
