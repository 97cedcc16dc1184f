package dev.tern.mailbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Strict positional reading of the codecs' CBOR arrays: every token must be what the format says,
 * anything else is an {@link IOException}, which the log reports as an unreadable object.
 */
final class CborReader {

  /** The codecs' factory. The log owns the streams it hands over; closing them is its business. */
  static final CBORFactory FACTORY = CBORFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .build();

  private final JsonParser parser;

  CborReader(JsonParser parser) {
    this.parser = parser;
  }

  static void checkVersion(String format, int formatVersion, int supported) throws IOException {
    checkVersion(format, formatVersion, supported, supported);
  }

  /** For a format read in every version from {@code oldest} to {@code newest}. */
  static void checkVersion(String format, int formatVersion, int oldest, int newest) throws IOException {
    if (formatVersion < oldest || formatVersion > newest) {
      throw new IOException(format + " format version " + formatVersion + " is not one this node reads ("
          + (oldest == newest ? oldest : oldest + " to " + newest) + ")");
    }
  }

  void expect(JsonToken token) throws IOException {
    if (parser.currentToken() != token) {
      throw new IOException("expected " + token + ", found " + parser.currentToken());
    }
  }

  void startArray() throws IOException {
    parser.nextToken();
    expect(JsonToken.START_ARRAY);
  }

  void endArray() throws IOException {
    parser.nextToken();
    expect(JsonToken.END_ARRAY);
  }

  /** Advances; false at the end of the current array. */
  boolean nextIsNotEnd() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new IOException("truncated");
    }
    return token != JsonToken.END_ARRAY;
  }

  long number() throws IOException {
    parser.nextToken();
    return current();
  }

  long current() throws IOException {
    expect(JsonToken.VALUE_NUMBER_INT);
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new IOException("integer out of range");
    }
    return parser.getLongValue();
  }

  String string() throws IOException {
    parser.nextToken();
    return currentString();
  }

  String currentString() throws IOException {
    expect(JsonToken.VALUE_STRING);
    return parser.getText();
  }

  Set<String> strings() throws IOException {
    startArray();
    Set<String> strings = new HashSet<>();
    while (nextIsNotEnd()) {
      strings.add(currentString());
    }
    return strings;
  }

  Flags flags() throws IOException {
    startArray();
    return flagsAfterStart();
  }

  Flags flagsAfterStart() throws IOException {
    expect(JsonToken.START_ARRAY);
    List<String> names = new ArrayList<>();
    while (nextIsNotEnd()) {
      names.add(currentString());
    }
    return names.isEmpty() ? Flags.NONE : Flags.of(names);
  }

  List<MessageId> ids() throws IOException {
    startArray();
    List<MessageId> ids = new ArrayList<>();
    while (nextIsNotEnd()) {
      long high = current();
      ids.add(new MessageId(high, number()));
    }
    return ids;
  }

  void end() throws IOException {
    if (parser.nextToken() != null) {
      throw new IOException("trailing data");
    }
  }
}
