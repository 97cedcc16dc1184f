package dev.tern.imap;

import dev.tern.imap.protocol.FetchAttribute;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.MessageMeta;
import dev.tern.mailbox.MessageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The message structure FETCH needs: where sections lie, and ENVELOPE, BODY and BODYSTRUCTURE.
 * For now only the top level is known (found by scanning the header); parts, envelopes and
 * structures come from the summary parsed at delivery.
 */
final class Structure {

  private Structure() {}

  static Sections.Part locate(MessageStore store, MessageId id, MessageMeta meta, List<Integer> path) {
    if (!path.isEmpty()) {
      throw ImapFailure.no(ResponseCode.Basic.CANNOT, "Sections of MIME parts are not available yet");
    }
    return new Sections.Part(0, headerEnd(store, id, meta.size()), meta.size());
  }

  static void write(ImapWriter.Response response, FetchAttribute.Simple item, MessageMeta meta) {
    throw ImapFailure.no(ResponseCode.Basic.CANNOT, item.wireName() + " is not available yet");
  }

  /** The offset just after the blank line ending the top-level header (or the end of the message). */
  static long headerEnd(MessageStore store, MessageId id, long size) {
    try (InputStream in = store.openBlob(id)) {
      long position = 0;
      int state = 1; // 1: at a line start, 3: a line start then CR, 0: inside a line
      int b;
      while ((b = in.read()) >= 0) {
        position++;
        if (b == '\n') {
          if (state == 1 || state == 3) {
            return position; // blank line after a line ending
          }
          state = 1;
        } else if (b == '\r') {
          state = state == 1 ? 3 : 2;
          if (state == 2) {
            state = 0;
          }
        } else {
          state = 0;
        }
      }
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
