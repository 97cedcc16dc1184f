package dev.tern.mailbox.message;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;

/**
 * One entity's header, read with Dovecot 2.3's rules ({@code message-parser.c} for the structure,
 * {@code message-part-data.c} for BODYSTRUCTURE's fields and the envelope), and the mime4j {@link
 * BodyDescriptor} that makes mime4j split the body the way those rules say:
 * <ul>
 *   <li>Content-* fields count only in a MIME part: one with MIME-Version or Content-Type, or a
 *       part of a multipart; otherwise they are forgotten at the end of the header;
 *   <li>the first Content-Type decides the structure: message/rfc822, text (also a bare "text"),
 *       multipart/* (digest too); none means text/plain, or message/rfc822 inside a digest;
 *   <li>a multipart's body is split only if it has a boundary parameter and its header ended with
 *       a blank line; otherwise it has no parts;
 *   <li>the first of each Content-* field wins, except that a Content-Disposition without
 *       parameters can be replaced by a later one; envelope fields as {@link Envelope} says.
 * </ul>
 * mime4j is only ever told "multipart with this boundary" or "opaque body", never message/*, so it
 * neither decodes nor recurses: a message/rfc822 body is parsed as raw bytes by a nested
 * {@link EntityParser}, as Dovecot does whatever the transfer encoding.
 */
final class PartData implements BodyDescriptorBuilder, BodyDescriptor {

  private static final int TEXT = 1;
  private static final int MULTIPART = 2;
  private static final int DIGEST = 4;
  private static final int RFC822 = 8;

  private final boolean digestParent;
  private final boolean messageRoot;
  private final boolean mayHaveChildren;
  private final HeaderBudget searchHeaders;

  private boolean mime;
  private boolean seenContentType;
  private int flags;
  private String boundary;
  private boolean multipartBody;
  private boolean ended;
  private boolean childrenRefused;

  private String type;
  private String subtype;
  private List<Param> params = List.of();
  private String id;
  private String description;
  private String encoding;
  private String md5;
  private String disposition;
  private List<Param> dispositionParams = List.of();
  private List<String> language = List.of();
  private String location;
  private final Envelope.Builder envelope = new Envelope.Builder();

  /**
   * @param mimeChild a part of a multipart (MIME without MIME-Version)
   * @param digestParent a part of a multipart/digest
   * @param messageRoot a message (top level or message/rfc822 body): collect the envelope
   * @param mayHaveChildren false past the nesting limit: the body stays opaque
   * @param searchHeaders where the top-level message's fields go, or null
   */
  PartData(boolean mimeChild, boolean digestParent, boolean messageRoot, boolean mayHaveChildren,
      HeaderBudget searchHeaders) {
    this.mime = mimeChild;
    this.digestParent = digestParent;
    this.messageRoot = messageRoot;
    this.mayHaveChildren = mayHaveChildren;
    this.searchHeaders = searchHeaders;
  }

  void onField(String name, String value, boolean truncated) {
    if (ByteString.equalsIgnoreCase(name, "Mime-Version")) {
      mime = true;
    } else if (ByteString.equalsIgnoreCase(name, "Content-Type")) {
      mime = true;
      if (!seenContentType) {
        seenContentType = true;
        structureContentType(value);
      }
    }
    if (ByteString.regionMatchesIgnoreCase(name, 0, "Content-")) {
      contentField(name.substring(8), value);
    }
    if (messageRoot) {
      int index = Envelope.indexOf(name);
      if (index >= 0) {
        envelope.add(index, value);
      }
    }
    if (searchHeaders != null) {
      searchHeaders.add(name, value, truncated);
    }
  }

  /** Called once the header is over; {@code blankLine} is false if it ended at EOF or a boundary. */
  void endOfHeader(boolean blankLine) {
    if (ended) {
      return;
    }
    ended = true;
    if (!mime) {
      flags = 0;
    }
    if (!seenContentType || !mime) {
      flags |= digestParent ? RFC822 : TEXT;
    }
    multipartBody = (flags & MULTIPART) != 0 && boundary != null && mime && blankLine;
    if (multipartBody && !mayHaveChildren) {
      multipartBody = false;
      childrenRefused = true;
    }
    if (!mime) {
      type = subtype = id = description = encoding = md5 = disposition = location = null;
      params = dispositionParams = List.of();
      language = List.of();
    }
  }

  Part.Kind kind() {
    if ((flags & RFC822) != 0) {
      return Part.Kind.MESSAGE;
    }
    if ((flags & MULTIPART) != 0) {
      return Part.Kind.MULTIPART;
    }
    return (flags & TEXT) != 0 ? Part.Kind.TEXT : Part.Kind.BASIC;
  }

  boolean isDigest() {
    return (flags & DIGEST) != 0;
  }

  boolean splitsBody() {
    return multipartBody;
  }

  /** True if the nesting limit kept a multipart body from being split. */
  boolean childrenRefused() {
    return childrenRefused;
  }

  String boundaryLine() {
    return "--" + boundary;
  }

  ContentFields content() {
    if (type == null && subtype == null && id == null && description == null && encoding == null
        && md5 == null && disposition == null && location == null && params.isEmpty()
        && dispositionParams.isEmpty() && language.isEmpty()) {
      return ContentFields.NONE;
    }
    return new ContentFields(type, subtype, params, id, description, encoding, md5, disposition,
        dispositionParams, language, location);
  }

  /** The envelope for a message, null for other parts. */
  Envelope envelope() {
    return messageRoot ? envelope.build() : null;
  }

  // ---- Dovecot's message-parser.c: structure ----

  private void structureContentType(String value) {
    Rfc822Tokens tokens = tokens(value);
    tokens.skipLwsp();
    ByteString str = new ByteString(64);
    int ret = tokens.parseContentType(str);
    String contentType = str.toString();
    if (ByteString.equalsIgnoreCase(contentType, "message/rfc822")) {
      flags |= RFC822;
    } else if (ByteString.regionMatchesIgnoreCase(contentType, 0, "text")
        && (contentType.length() == 4 || contentType.charAt(4) == '/')) {
      flags |= TEXT;
    } else if (ByteString.regionMatchesIgnoreCase(contentType, 0, "multipart/")) {
      flags |= MULTIPART;
      if (ByteString.equalsIgnoreCase(contentType.substring(10), "digest")) {
        flags |= DIGEST;
      }
    }
    if (ret < 0 || (flags & MULTIPART) == 0 || boundary != null) {
      return;
    }
    for (Param p : Rfc2231.parse(tokens)) {
      if (ByteString.equalsIgnoreCase(p.name(), "boundary")) {
        // Dovecot cuts boundaries at 80 bytes and matches boundary lines by prefix; mime4j
        // matches whole boundaries, so a cut one would match nothing. Kept whole.
        boundary = p.value();
        break;
      }
    }
  }

  // ---- Dovecot's message-part-data.c: BODYSTRUCTURE fields ----

  private void contentField(String suffix, String value) {
    if (suffix.isEmpty()) {
      return;
    }
    switch (suffix.charAt(0)) {
      case 'i', 'I' -> {
        if (ByteString.equalsIgnoreCase(suffix, "ID") && id == null) {
          id = ImapStrings.headerStrdup(value);
        }
      }
      case 'm', 'M' -> {
        if (ByteString.equalsIgnoreCase(suffix, "MD5") && md5 == null) {
          md5 = ImapStrings.headerStrdup(value);
        }
      }
      case 't', 'T' -> {
        if (ByteString.equalsIgnoreCase(suffix, "Type") && type == null) {
          dataContentType(value);
        } else if (ByteString.equalsIgnoreCase(suffix, "Transfer-Encoding") && encoding == null) {
          Rfc822Tokens tokens = tokens(value);
          tokens.skipLwsp();
          ByteString str = new ByteString(16);
          if (tokens.parseMimeToken(str) >= 0 && tokens.skipLwsp() == 0 && str.length() > 0) {
            encoding = str.toString();
          }
        }
      }
      case 'l', 'L' -> {
        if (ByteString.equalsIgnoreCase(suffix, "Language") && language.isEmpty()) {
          language = languages(value);
        } else if (ByteString.equalsIgnoreCase(suffix, "Location") && location == null) {
          location = ImapStrings.headerStrdup(value);
        }
      }
      case 'd', 'D' -> {
        if (ByteString.equalsIgnoreCase(suffix, "Description") && description == null) {
          description = ImapStrings.headerStrdup(value);
        } else if (ByteString.equalsIgnoreCase(suffix, "Disposition") && dispositionParams.isEmpty()) {
          Rfc822Tokens tokens = tokens(value);
          tokens.skipLwsp();
          ByteString str = new ByteString(16);
          if (tokens.parseMimeToken(str) < 0) {
            return;
          }
          disposition = str.toString();
          dispositionParams = Rfc2231.parse(tokens);
        }
      }
      default -> {
      }
    }
  }

  private void dataContentType(String value) {
    Rfc822Tokens tokens = tokens(value);
    tokens.skipLwsp();
    ByteString str = new ByteString(64);
    int ret = tokens.parseContentType(str);
    String contentType = str.toString();
    int slash = contentType.indexOf('/');
    if (slash >= 0) {
      type = contentType.substring(0, slash);
      subtype = contentType.substring(slash + 1);
    } else {
      type = contentType;
      subtype = "";
    }
    if (ret >= 0) {
      params = Rfc2231.parse(tokens);
    }
  }

  private static List<String> languages(String value) {
    Rfc822Tokens tokens = tokens(value);
    List<String> result = new ArrayList<>();
    ByteString str = new ByteString(16);
    tokens.skipLwsp();
    while (tokens.parseAtom(str) >= 0) {
      result.add(str.toString());
      str.clear();
      if (tokens.atEnd() || tokens.cur() != ',') {
        break;
      }
      tokens.pos++;
      tokens.skipLwsp();
    }
    return result;
  }

  private static Rfc822Tokens tokens(String value) {
    return new Rfc822Tokens(ByteString.bytes(value), null);
  }

  // ---- mime4j BodyDescriptorBuilder / BodyDescriptor ----

  @Override
  public void reset() {
    // mime4j calls this before the first field; the state is per entity already
  }

  @Override
  public Field addField(RawField field) {
    return null; // HeaderCollector never builds fields, so this is never called
  }

  @Override
  public BodyDescriptor build() {
    return this;
  }

  @Override
  public BodyDescriptorBuilder newChild() {
    // not called in RecursionMode.M_RAW; an opaque child if it ever is
    return new PartData(true, false, false, false, null);
  }

  @Override
  public String getBoundary() {
    return multipartBody ? boundary : null;
  }

  @Override
  public String getMimeType() {
    return multipartBody ? "multipart/mixed" : "application/octet-stream";
  }

  @Override
  public String getMediaType() {
    return multipartBody ? "multipart" : "application";
  }

  @Override
  public String getSubType() {
    return multipartBody ? "mixed" : "octet-stream";
  }

  @Override
  public String getCharset() {
    return "us-ascii";
  }

  @Override
  public String getTransferEncoding() {
    return "7bit"; // mime4j must never decode: offsets are in raw bytes
  }

  @Override
  public long getContentLength() {
    return -1;
  }
}
