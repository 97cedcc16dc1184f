package dev.tern.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How one kind of log writes its ops and its checkpointed states as bytes. The log adds the
 * envelope (format version, compression, encryption bound to the object key); a codec only
 * writes the payload.
 *
 * <p>{@link #formatVersion()} is stored with every op and checkpoint. A codec must read every
 * version it ever wrote, so a cluster can be upgraded node by node: a new node reads old ops,
 * and ops only change format through a new version number.
 */
public interface LogCodec<S, O> {

  /** The version this codec writes. */
  int formatVersion();

  void writeOp(O op, OutputStream out) throws IOException;

  O readOp(int formatVersion, InputStream in) throws IOException;

  void writeState(S state, OutputStream out) throws IOException;

  S readState(int formatVersion, InputStream in) throws IOException;
}
