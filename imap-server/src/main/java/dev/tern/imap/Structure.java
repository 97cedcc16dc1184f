package dev.tern.imap;

import dev.tern.imap.protocol.FetchAttribute;
import dev.tern.imap.protocol.FetchAttribute.SectionText;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.mailbox.MessageMeta;
import dev.tern.mailbox.message.ImapStructure;
import dev.tern.mailbox.message.MessageSummary;
import dev.tern.mailbox.message.MessageSummaryCodec;
import dev.tern.mailbox.message.Part;
import dev.tern.storage.PermanentStorageException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What FETCH takes from the summary parsed at delivery: ENVELOPE, BODY and BODYSTRUCTURE (rendered
 * as Dovecot renders them), and where each body section lies in the message bytes.
 */
final class Structure {

  private Structure() {}

  static MessageSummary summary(MessageMeta meta) {
    try {
      return MessageSummaryCodec.decode(meta.summary());
    } catch (IOException e) {
      throw new PermanentStorageException("unreadable message summary", e);
    }
  }

  static void write(ImapWriter.Response response, FetchAttribute.Simple item, MessageSummary summary) {
    byte[] rendered = switch (item) {
      case ENVELOPE -> ImapStructure.envelope(summary.envelope());
      case BODY -> ImapStructure.body(summary.body());
      case BODYSTRUCTURE -> ImapStructure.bodyStructure(summary.body());
      default -> throw new IllegalArgumentException(item + " is not a structure item");
    };
    response.rendered(rendered);
  }

  /**
   * The bytes a section names: for BODY[] the whole message; for a part number its body (a
   * message/rfc822 part's body being the whole encapsulated message); HEADER and TEXT of the
   * message, or of the message a message/rfc822 part encapsulates; MIME the part's own header.
   * Null when there is no such part.
   */
  static Sections.Part locate(MessageSummary summary, List<Integer> path, SectionText text) {
    Optional<Part> found = summary.section(path.stream().mapToInt(Integer::intValue).toArray());
    if (found.isEmpty()) {
      return null;
    }
    Part part = found.get();
    if (path.isEmpty()) {
      return new Sections.Part(part.headerOffset(), part.bodyOffset(), part.endOffset());
    }
    return switch (text) {
      case NONE, MIME -> new Sections.Part(part.headerOffset(), part.bodyOffset(), part.endOffset());
      case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT -> {
        Part message = part.message();
        yield message == null ? null
            : new Sections.Part(message.headerOffset(), message.bodyOffset(), message.endOffset());
      }
    };
  }
}
