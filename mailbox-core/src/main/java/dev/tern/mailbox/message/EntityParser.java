package dev.tern.mailbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Parses one entity (a message, or one part of a multipart) with its own mime4j {@link
 * MimeTokenStream} in {@link RecursionMode#M_RAW}: mime4j reads the header and, for a multipart,
 * finds the boundaries and hands over each part's raw bytes, which are parsed the same way, one
 * level down. Only the current path of the tree is open at any time, and nothing is buffered but
 * mime4j's buffer and the {@link PositionTee} window of each open level.
 *
 * <p>Positions: the header's length is what {@link HeaderCollector} saw plus the blank line; a
 * leaf body, a preamble, an epilogue and each part are as long as the streams mime4j gives for
 * them; the boundary lines between them are measured in the tee's window, replaying what mime4j's
 * {@code MimeBoundaryInputStream} consumed (the line break before the boundary, the boundary,
 * then the rest of the line). Line feed counts come from the tees. At the end the pieces must add
 * up to the entity's length; if they do not, or mime4j hits a limit, the entity keeps the parts
 * found so far and the rest of its bytes become its body (and {@link ParseState} records it).
 */
final class EntityParser {

  /** One header line (mime4j keeps it whole): longer lines end the header early. */
  static final int MAX_LINE = 64 * 1024;
  /** Header fields in one entity before mime4j gives up on its header. */
  static final int MAX_HEADER_FIELDS = 10_000;

  static final MimeConfig CONFIG = MimeConfig.custom()
      .setStrictParsing(false)
      .setMalformedHeaderStartsBody(false)
      .setMaxLineLen(MAX_LINE)
      .setMaxHeaderCount(MAX_HEADER_FIELDS)
      .setMaxHeaderLen(-1) // HeaderCollector bounds what it keeps of a field
      .setMaxContentLen(-1)
      .setCountLineNumbers(false)
      .build();

  /**
   * How an entity ends, seen from the boundary that follows it in the enclosing multipart. mime4j
   * always gives the line break before a boundary to the boundary. Dovecot gives it to the body it
   * was scanning when it met the boundary: the enclosing multipart's body, unless the entity's last
   * descendant was still in its header (the line break then goes to that header's parent's body,
   * e.g. a message/rfc822 part's), or had just read its own closing boundary line (the line break
   * ends that line).
   */
  enum OpenEnd {
    /** The line break before the next boundary belongs to the enclosing multipart. */
    NONE,
    /** The header ran to the end (blank line or not): the line break goes to the parent's body. */
    HEADER,
    /** Its last boundary line (with an empty epilogue) ran to the end: the line break ends it. */
    DELIMITER,
    /** The last child (the encapsulated message, or a part of an unclosed multipart) decides. */
    CHILD
  }

  /** An entity's part, its totals within its own stream, and how it ends. */
  record Result(Part part, long length, long lines, long bareLineFeeds, OpenEnd openEnd, Result last) {
  }

  /**
   * A boundary line as mime4j consumed it: the line break before it, its length, whether it ran to
   * the end of the input, and whether Dovecot sees it as the closing one ({@code --} right after
   * the boundary; mime4j also accepts {@code --} further on in the line).
   */
  private record Delimiter(int lineBreak, long length, boolean cutAtEnd, boolean closing) {
    static final Delimiter NONE = new Delimiter(0, 0, false, false);

    /** Dovecot starts a new part after this line, where mime4j may see an epilogue or the end. */
    boolean opensPart() {
      return length > 0 && !closing && !cutAtEnd;
    }
  }

  /** The bytes in the window do not match what mime4j reported. */
  private static final class Desync extends Exception {
    Desync(String what) {
      super(what, null, false, false);
    }
  }

  private final ParseState state;

  EntityParser(ParseState state) {
    this.state = state;
  }

  /**
   * Parses {@code source} to its end.
   *
   * @param base the entity's offset in the whole message
   * @param mimeChild a part of a multipart (as opposed to a message)
   * @param depth nesting level, 0 for the message itself
   * @param searchHeaders where to put header fields (top level only), or null
   */
  Result parse(InputStream source, long base, boolean mimeChild, boolean digestParent, int depth,
      HeaderBudget searchHeaders) throws IOException {
    PositionTee tee = new PositionTee(source);
    PartData data = new PartData(mimeChild, digestParent, !mimeChild, depth < ParseState.MAX_DEPTH, searchHeaders);
    HeaderCollector header = new HeaderCollector(data);
    MimeTokenStream tokens = new MimeTokenStream(CONFIG, DecodeMonitor.SILENT, header, data);
    tokens.setRecursionMode(RecursionMode.M_RAW);
    tokens.parse(tee);

    List<Part> children = new ArrayList<>();
    long headerEnd = -1;
    long headerLines = 0;
    long headerBare = 0;
    long cursor = 0;
    byte[] boundaryLine = null;
    Result message = null;       // the encapsulated message of a message/rfc822 body
    Result lastChild = null;     // the last part of a multipart body
    boolean lastPieceIsChild = false;
    Delimiter closing = null;    // the delimiter after the last part, once seen
    boolean extraPart = false;   // a part Dovecot sees after a boundary line mime4j took as the last
    boolean epilogueSeen = false;
    long epilogue = 0;
    boolean broken = false;
    try {
      EntityState s = tokens.getState();
      while (s != EntityState.T_END_OF_STREAM) {
        switch (s) {
          case T_END_HEADER -> {
            long h = header.bytes();
            int blank = blankLineLength(tee, h);
            int prev = header.lastByte();
            headerEnd = h + blank;
            headerLines = header.lines();
            headerBare = header.bareLineFeeds();
            for (long p = h; p < headerEnd; p++) {
              int b = tee.byteAt(p);
              if (b == '\n') {
                headerLines++;
                if (prev != '\r') {
                  headerBare++;
                }
              }
              prev = b;
            }
            data.endOfHeader(blank > 0);
            if (data.splitsBody()) {
              boundaryLine = ByteString.bytes(data.boundaryLine());
            }
            cursor = headerEnd;
          }
          case T_BODY -> {
            InputStream body = tokens.getInputStream();
            if (data.kind() == Part.Kind.MESSAGE && state.mayDescend(depth + 1)) {
              message = new EntityParser(state).parse(body, base + cursor, false, false, depth + 1, null);
              children.add(message.part());
              cursor += message.length();
            } else {
              cursor += state.drain(body);
            }
          }
          case T_PREAMBLE -> cursor += state.drain(tokens.getInputStream());
          case T_RAW_ENTITY -> {
            Delimiter d = delimiter(tee, cursor, boundaryLine);
            lastChild = giveLineBreak(tee, cursor, d, lastPieceIsChild ? lastChild : null, children);
            cursor += d.length();
            InputStream raw = tokens.getInputStream();
            if (state.mayDescend(depth + 1)) {
              lastChild = new EntityParser(state).parse(raw, base + cursor, true, data.isDigest(), depth + 1, null);
              children.add(lastChild.part());
              cursor += lastChild.length();
              lastPieceIsChild = true;
            } else {
              cursor += state.drain(raw); // past the limits: the part's bytes stay in this body
              lastPieceIsChild = false;
            }
          }
          case T_EPILOGUE, T_END_MULTIPART -> {
            if (closing == null) {
              closing = delimiter(tee, cursor, boundaryLine);
              lastChild = giveLineBreak(tee, cursor, closing, lastPieceIsChild ? lastChild : null, children);
              cursor += closing.length();
            }
            if (epilogueSeen) {
              break;
            }
            epilogueSeen = true;
            // mime4j skips T_EPILOGUE when its buffer happens to be empty after the closing
            // boundary; it then reads no more, so the rest of this entity is the epilogue
            InputStream rest = s == EntityState.T_EPILOGUE ? tokens.getInputStream() : tee;
            if (closing.opensPart() && state.mayDescend(depth + 1)) {
              // Dovecot: after a boundary line that does not close, a part begins, even if only the
              // end of the input follows; what mime4j calls the epilogue is that part
              extraPart = true;
              lastChild = new EntityParser(state).parse(rest, base + cursor, true, data.isDigest(), depth + 1, null);
              children.add(lastChild.part());
              cursor += lastChild.length();
              lastPieceIsChild = true;
            } else {
              epilogue = state.drain(rest);
              cursor += epilogue;
            }
          }
          default -> {
            // T_START_MESSAGE, T_START_HEADER, T_START_MULTIPART, T_END_MESSAGE: nothing to count
          }
        }
        s = tokens.next();
      }
    } catch (MimeException | Desync | RuntimeException e) {
      broken = state.degraded(e);
    } catch (IOException e) {
      if (state.sourceFailure() != null) {
        throw state.sourceFailure();
      }
      broken = state.degraded(e);
    }
    long total = tee.drain(state.scratch());
    if (!broken && cursor != total) {
      broken = state.degraded(new Desync("pieces add up to " + cursor + " of " + total + " bytes"));
    }
    OpenEnd openEnd = OpenEnd.NONE;
    Result last = null;
    if (headerEnd < 0) {
      // the header never ended cleanly: it is what was read of it, the rest is body
      headerEnd = Math.min(header.bytes(), total);
      headerLines = header.lines();
      headerBare = header.bareLineFeeds();
      data.endOfHeader(false);
    } else if (!broken) {
      if (headerEnd == header.bytes()) {
        openEnd = OpenEnd.HEADER;
      } else if (message != null) {
        last = message;
      } else if (data.splitsBody() && epilogue == 0) {
        if (closing != null && closing.length() > 0 && !extraPart) {
          openEnd = closing.cutAtEnd() ? OpenEnd.DELIMITER : OpenEnd.NONE;
        } else if (lastPieceIsChild) {
          last = lastChild;
        }
      }
      if (last != null && last.openEnd() != OpenEnd.NONE) {
        openEnd = OpenEnd.CHILD;
      } else {
        last = null;
      }
    }
    if (data.childrenRefused()) {
      state.refused();
    }
    Part part = new Part(
        data.kind(),
        data.content(),
        data.envelope(),
        base,
        base + headerEnd,
        base + total,
        headerEnd + headerBare,
        (total - headerEnd) + (tee.bareLineFeeds() - headerBare),
        tee.lines() - headerLines,
        children);
    return new Result(part, total, tee.lines(), tee.bareLineFeeds(), openEnd, last);
  }

  /**
   * If the part that ends at {@code at} ends where Dovecot would not give the line break before
   * the boundary to the boundary, moves that line break ({@code d.lineBreak()} bytes) into the
   * part: rewrites its last entry in {@code children} and returns its new result.
   */
  private static Result giveLineBreak(PositionTee tee, long at, Delimiter d, Result child, List<Part> children) {
    if (child == null || d.lineBreak() == 0 || child.openEnd() == OpenEnd.NONE || child.openEnd() == OpenEnd.HEADER) {
      return child; // HEADER: the line break goes to the child's parent, the multipart itself
    }
    boolean bare = d.lineBreak() == 1 && tee.byteAt(at - 1) != '\r';
    Result extended = extend(child, d.lineBreak(), bare);
    children.set(children.size() - 1, extended.part());
    return extended;
  }

  /** {@code r} with {@code lineBreak} more bytes at its end, placed where its {@link OpenEnd} says. */
  private static Result extend(Result r, int lineBreak, boolean bare) {
    Part p = r.part();
    long virtual = lineBreak + (bare ? 1 : 0);
    Part extended = switch (r.openEnd()) {
      case DELIMITER -> new Part(p.kind(), p.content(), p.envelope(), p.headerOffset(),
          p.bodyOffset(), p.endOffset() + lineBreak, p.headerSize(), p.bodySize() + virtual,
          p.bodyLines() + 1, p.children());
      case CHILD -> {
        List<Part> children = p.children();
        if (r.last().openEnd() != OpenEnd.HEADER) {
          Result child = extend(r.last(), lineBreak, bare);
          children = new ArrayList<>(children);
          children.set(children.size() - 1, child.part());
        }
        yield new Part(p.kind(), p.content(), p.envelope(), p.headerOffset(), p.bodyOffset(),
            p.endOffset() + lineBreak, p.headerSize(), p.bodySize() + virtual, p.bodyLines() + 1, children);
      }
      case NONE, HEADER -> p;
    };
    return new Result(extended, r.length() + lineBreak, r.lines() + 1, r.bareLineFeeds() + (bare ? 1 : 0),
        OpenEnd.NONE, null);
  }

  /**
   * The blank line mime4j read to end a header that took {@code h} bytes: LF, CRLF, a lone CR at
   * the end of the input, or nothing if the header ran to the end.
   */
  private static int blankLineLength(PositionTee tee, long h) throws Desync {
    int b = tee.byteAt(h);
    if (b == PositionTee.EOF) {
      return 0;
    }
    if (b == '\n') {
      return 1;
    }
    if (b == '\r') {
      int next = tee.byteAt(h + 1);
      if (next == '\n') {
        return 2;
      }
      if (next == PositionTee.EOF) {
        return 1;
      }
    }
    throw new Desync("no blank line at " + h);
  }

  /**
   * The bytes mime4j's {@code MimeBoundaryInputStream} consumed between the end of one piece of a
   * multipart body (at {@code at}) and the start of the next: the line break it took off the end
   * of the piece (none, LF or CRLF), {@code --boundary}, then up to and including the next LF, a
   * {@code --} pair counting as two bytes, stopping short when fewer than two bytes are left.
   * {@link Delimiter#NONE} at the end of the input (a multipart that was never closed).
   */
  private static Delimiter delimiter(PositionTee tee, long at, byte[] boundaryLine) throws Desync {
    if (tee.byteAt(at) == PositionTee.EOF) {
      return Delimiter.NONE;
    }
    if (boundaryLine == null) {
      throw new Desync("parts without a boundary");
    }
    int lineBreak;
    if (tee.matches(at, boundaryLine)) {
      lineBreak = 0;
    } else if (tee.byteAt(at) == '\n' && tee.matches(at + 1, boundaryLine)) {
      lineBreak = 1;
    } else if (tee.byteAt(at) == '\r' && tee.byteAt(at + 1) == '\n' && tee.matches(at + 2, boundaryLine)) {
      lineBreak = 2;
    } else {
      throw new Desync("no boundary at " + at);
    }
    long p = at + lineBreak + boundaryLine.length;
    boolean closing = tee.byteAt(p) == '-' && tee.byteAt(p + 1) == '-';
    boolean lookForDashes = true;
    boolean cutAtEnd = false;
    for (;;) {
      int c1 = tee.byteAt(p);
      int c2 = tee.byteAt(p + 1);
      if (c1 == PositionTee.UNAVAILABLE || c2 == PositionTee.UNAVAILABLE) {
        throw new Desync("boundary line past the window at " + p);
      }
      if (c1 == PositionTee.EOF || c2 == PositionTee.EOF) {
        cutAtEnd = true;
        break;
      }
      if (lookForDashes && c1 == '-' && c2 == '-') {
        p += 2;
        lookForDashes = false;
        continue;
      }
      if (c1 == '\r' && c2 == '\n') {
        p += 2;
        break;
      }
      p++;
      if (c1 == '\n') {
        break;
      }
    }
    return new Delimiter(lineBreak, p - at, cutAtEnd, closing);
  }
}
