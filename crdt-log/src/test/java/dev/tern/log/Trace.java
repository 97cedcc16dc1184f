package dev.tern.log;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A state where order matters: the ids of the ops applied, in order. Two replicas are equal only
 * if they applied the same ops in the same order, so any replay-order mistake shows.
 */
final class Trace implements LogState<Trace, Integer> {

  final List<Integer> applied;

  Trace() {
    this(new ArrayList<>());
  }

  private Trace(List<Integer> applied) {
    this.applied = applied;
  }

  @Override
  public Trace apply(Integer op) {
    applied.add(op);
    return this;
  }

  @Override
  public Trace copy() {
    return new Trace(new ArrayList<>(applied));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Trace other && applied.equals(other.applied);
  }

  @Override
  public int hashCode() {
    return applied.hashCode();
  }

  @Override
  public String toString() {
    return "Trace" + applied;
  }

  static final class Codec implements LogCodec<Trace, Integer> {

    @Override
    public int formatVersion() {
      return 1;
    }

    @Override
    public void writeOp(Integer op, OutputStream out) throws IOException {
      new DataOutputStream(out).writeInt(op);
    }

    @Override
    public Integer readOp(int formatVersion, InputStream in) throws IOException {
      return new DataInputStream(in).readInt();
    }

    @Override
    public void writeState(Trace state, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(state.applied.size());
      for (int op : state.applied) {
        data.writeInt(op);
      }
      data.flush();
    }

    @Override
    public Trace readState(int formatVersion, InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int size = data.readInt();
      List<Integer> applied = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        applied.add(data.readInt());
      }
      return new Trace(applied);
    }
  }
}
