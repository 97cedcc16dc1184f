package dev.tern.log;

/**
 * A state that a log folds its operations into, in timestamp order.
 *
 * <p>{@link #apply} must be deterministic: the result depends only on this state and the op, so
 * every replica that applies the same ops in the same order reaches an equal state. It may update
 * this object in place and return it (a copy per op would cost too much for a 100 000-message
 * index); the log therefore calls {@link #copy()} before keeping a state aside, for a rewind
 * point or a checkpoint, and never applies ops to a state it has handed to a reader.
 *
 * @param <S> the state type itself
 * @param <O> the operation type
 */
public interface LogState<S extends LogState<S, O>, O> {

  /** This state after {@code op}; may be {@code this}, updated. */
  S apply(O op);

  /** An independent copy: applying ops to either never changes the other. */
  S copy();
}
