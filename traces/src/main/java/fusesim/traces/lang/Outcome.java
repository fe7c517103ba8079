package fusesim.traces.lang;

import java.util.Objects;

/**
 * The result after {@code =} of a syscall, {@code server backing_open} or
 * {@code server backing_close}: {@code = 3}, {@code = -1 EIO}, {@code = m1} (mmap), {@code = ?}.
 * {@link #pos()} is the position of the first token after {@code =}.
 */
public sealed interface Outcome {

  Pos pos();

  /** A non-error integer result. */
  record Returns(Pos pos, Value.Int value, Value.Data data) implements Outcome {
    public Returns {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(value);
    }

    /** A result without bytes. */
    public Returns(Pos pos, Value.Int value) {
      this(pos, value, null);
    }
  }

  /** {@code -1 ERRNO}: the call fails with this errno. */
  record Fails(Pos pos, Value.Err errno) implements Outcome {
    public Fails {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(errno);
    }
  }

  /** A successful mmap, naming the new mapping ({@code m1}) for later munmap/mread/mwrite. */
  record Maps(Pos pos, String mapping) implements Outcome {
    public Maps {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(mapping);
    }
  }

  /** {@code ?}: any result is accepted. */
  record Any(Pos pos) implements Outcome {
    public Any {
      Objects.requireNonNull(pos);
    }
  }
}
