package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ENVELOPE address lists, as the reference Dovecot wrote them for the same header values. */
class AddressParserTest {

  private static String envelopeFrom(String from) {
    Envelope e = new Envelope(null, null, List.of(from), List.of(), List.of(), List.of(), List.of(), List.of(), null, null);
    String all = new String(ImapStructure.envelope(e), StandardCharsets.ISO_8859_1);
    // (NIL NIL from sender reply-to NIL NIL NIL NIL NIL), sender and reply-to being from again
    String three = all.substring("(NIL NIL ".length(), all.length() - " NIL NIL NIL NIL NIL)".length());
    return three.substring(0, (three.length() - 2) / 3);
  }

  @Test
  void namesRoutesGroupsAndBrokenOnes() {
    assertEquals("((\"Garage team\" NIL \"garagehq\" \"deuxfleurs.fr\"))", envelopeFrom("Garage team <garagehq@deuxfleurs.fr>"));
    assertEquals("((NIL NIL \"Whomever\" \"MISSING_DOMAIN\"))", envelopeFrom("Whomever"));
    assertEquals("((\"Comment Name\" NIL \"m\" \"n.o\"))", envelopeFrom("m@n.o (Comment Name)"));
    assertEquals("((NIL \"@r1,@r2\" \"p\" \"q.r\"))", envelopeFrom("<@r1,@r2:p@q.r>"));
    assertEquals("((NIL NIL \"Colleagues\" NIL)(\"James Smythe\" NIL \"james\" \"vandelay.com\")(NIL NIL NIL NIL))",
        envelopeFrom("Colleagues: James Smythe <james@vandelay.com>;"));
    assertEquals("((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))", envelopeFrom("<>"));
    assertEquals("((NIL NIL \"a..b\" \"c.d\")(NIL NIL \".a\" \"c.d\")(\"q\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))",
        envelopeFrom("a..b@c.d, .a@c.d, \"q\".r@s.t, a@[1.2.3.4]"));
    assertEquals("(({4}\r\na. b NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))", envelopeFrom("a. b@c.d"));
    assertEquals("((NIL NIL \"x\" \"c.d\"))", envelopeFrom("x@c. d"));
    assertEquals("(({12}\r\nJo \"the\" Man NIL \"j\" \"x.y\"))", envelopeFrom("\"Jo \\\"the\\\" Man\" <j@x.y>"));
    assertEquals("NIL", envelopeFrom("(mailbox in US-ASCII)"));
  }

  @Test
  void repeatedFieldsAppend() {
    Envelope e = new Envelope("d2", null, List.of(), List.of(), List.of(),
        List.of("a@b.c", "", "bad (x", "d@e.f"), List.of("g: a@b.c", "h@i.j;"), List.of(), "<4>", "<2>");
    assertEquals("(\"d2\" NIL NIL NIL NIL ((NIL NIL \"a\" \"b.c\")(NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")(NIL NIL \"d\" \"e.f\"))"
        + " ((NIL NIL \"g\" NIL)(NIL NIL \"a\" \"b.c\")(NIL NIL NIL NIL)(NIL NIL \"h\" \"i.j\")) NIL \"<4>\" \"<2>\")",
        new String(ImapStructure.envelope(e), StandardCharsets.ISO_8859_1));
  }
}
