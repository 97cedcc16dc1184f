package dev.tern.mailbox.message;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Parses a generated message of the given number of lines; exit status 0 if it came out right. */
public final class StreamingMain {

  private StreamingMain() {
  }

  public static void main(String[] args) throws Exception {
    GeneratedMessage message = new GeneratedMessage(Long.parseLong(args[0]));
    MessageSummary summary = MessageParser.parse(message, OffsetDateTime.now(ZoneOffset.UTC));
    Part attachment = summary.body().children().get(1);
    boolean ok = summary.physicalSize() == message.length
        && attachment.bodyOffset() == message.attachmentBodyStart()
        && attachment.endOffset() == message.attachmentEnd()
        && !summary.structureTruncated();
    System.out.println("parsed " + summary.physicalSize() + " bytes with -Xmx"
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m: " + (ok ? "ok" : "WRONG"));
    System.exit(ok ? 0 : 1);
  }
}
