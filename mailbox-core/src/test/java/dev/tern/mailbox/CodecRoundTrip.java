package dev.tern.mailbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes and decodes through {@link UidIndexCodec}, as a checkpoint or an op would travel. */
final class CodecRoundTrip {

  final UidIndexCodec codec = new UidIndexCodec();

  byte[] stateBytes(UidIndex index) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      codec.writeState(index, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  UidIndex stateRoundTrip(UidIndex index) {
    try {
      return codec.readState(codec.formatVersion(), new ByteArrayInputStream(stateBytes(index)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] opBytes(UidIndexOp op) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      codec.writeOp(op, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  UidIndexOp opRoundTrip(UidIndexOp op) {
    try {
      return codec.readOp(codec.formatVersion(), new ByteArrayInputStream(opBytes(op)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
