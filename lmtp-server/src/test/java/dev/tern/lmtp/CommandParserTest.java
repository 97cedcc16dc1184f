package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Command lines into records; the wire-level cases are in the transcripts. */
class CommandParserTest {

  private static Command parse(String line) {
    return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String refusal(String line) {
    Reply reply = assertInstanceOf(Command.Invalid.class, parse(line)).reply();
    return reply.code() + " " + reply.enhanced() + " " + reply.lines().get(0);
  }

  @Test
  void mailParameters() {
    assertEquals(new Command.Mail(new Address("s", "example.org"), 1234, true),
        parse("mail from:<s@example.org> size=1234 body=8bitmime SMTPUTF8"));
    assertEquals(new Command.Mail(null, -1, false), parse("MAIL FROM:<>"));
    assertEquals(new Command.Mail(new Address("s", "example.org"), Long.MAX_VALUE, false),
        parse("MAIL FROM:<s@example.org> SIZE=99999999999999999999"), "an absurd size is still a size");
    assertEquals("555 5.5.4 Unsupported SIZE parameter value", refusal("MAIL FROM:<s@example.org> SIZE=999999999999999999999"));
    assertEquals("501 5.5.4 Missing SIZE= parameter value", refusal("MAIL FROM:<s@example.org> SIZE"));
    assertEquals("501 5.5.4 Duplicate SIZE= parameter", refusal("MAIL FROM:<s@example.org> SIZE=1 SIZE=1"));
    assertEquals("501 5.5.4 Missing BODY= parameter value", refusal("MAIL FROM:<s@example.org> BODY"));
    assertEquals("501 5.5.4 Unexpected value for SMTPUTF8 parameter", refusal("MAIL FROM:<s@example.org> SMTPUTF8=yes"));
    assertEquals("501 5.5.4 Invalid MAIL parameter: Unexpected character in parameter value",
        refusal("MAIL FROM:<s@example.org> BODY="));
  }

  @Test
  void brokenSendersInsideBracketsAreTheNullSender() {
    assertEquals(new Command.Mail(null, -1, false), parse("MAIL FROM:<s@>"));
    assertEquals(new Command.Mail(null, 10, false), parse("MAIL FROM:<s@bad..domain> SIZE=10"));
    assertEquals(new Command.Mail(null, -1, false), parse("MAIL FROM:<@route:>"));
    assertEquals("501 5.5.4 Invalid FROM: Invalid character in localpart", refusal("MAIL FROM:<a b@example.org>"));
    assertEquals("501 5.5.4 Invalid FROM: Missing '>' at end of path", refusal("MAIL FROM:<s@example.org"));
  }

  @Test
  void pathsAndTheirEncoding() {
    assertEquals(new Command.Rcpt(new Address("alice", "example.tld")), parse("RCPT TO:<\"alice\"@example.tld>"));
    assertEquals(new Command.Rcpt(new Address("a\"b c", "example.tld")), parse("RCPT TO:<\"a\\\"b c\"@example.tld>"));
    assertEquals("\"a\\\"b c\"@example.tld", new Address("a\"b c", "example.tld").encode());
    assertEquals("\".lead\"@x", new Address(".lead", "x").encode());
    assertEquals("a.b@x", new Address("a.b", "x").encode());
    assertEquals(new Command.Rcpt(new Address("postmaster", null)), parse("RCPT TO:<postmaster>"));
    assertEquals(new Command.Rcpt(new Address("bob", "[192.0.2.1]")), parse("RCPT TO:<bob@[192.0.2.1]>"));
    assertEquals(new Command.Rcpt(new Address("jörg", "bücher.example")), parse("RCPT TO:<jörg@bücher.example>"));
    assertEquals(new Command.Rcpt(new Address("x", "example.tld")), parse("RCPT TO:<@a.example,@b.example:x@example.tld>"));
    assertEquals("501 5.5.4 Invalid TO: Missing ':' at end of source route", refusal("RCPT TO:<@a.example x@example.tld>"));
    assertEquals("501 5.5.4 Invalid TO: Invalid domain", refusal("RCPT TO:<x@-bad>"));
    assertEquals(new Address("alice", "Example.TLD").key(), new Address("alice", "example.tld").key());
  }

  @Test
  void lhloNamesThatAreNoDomainAreKeptAsUnknown() {
    assertEquals(new Command.Lhlo("mx.example.org"), parse("LHLO mx.example.org"));
    assertEquals(new Command.Lhlo("[192.0.2.1]"), parse("LHLO [192.0.2.1]"));
    assertEquals(new Command.Lhlo(null), parse("LHLO bad..name"));
    assertEquals(new Command.Lhlo(null), parse("LHLO two words"));
  }
}
