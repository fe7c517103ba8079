package fusesim.traces.lang;

import java.util.List;
import java.util.Objects;

/**
 * What the server answers to a request, in a policy line ({@code server OP PATH REPLY}) or an
 * explicit {@code server reply}: the clause as written, with positions (the model's reply is {@link
 * fusesim.model.Reply}). {@link #pos()} is the position of the reply's first token.
 */
public sealed interface ReplyClause {

  Pos pos();

  /** An error reply: {@code enoent}, {@code EIO}. */
  record Fails(Pos pos, Value.Err errno) implements ReplyClause {
    public Fails {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(errno);
    }
  }

  /** {@code default}: the answer of a passthrough_hp-like server (also: cancels a policy). */
  record Default(Pos pos) implements ReplyClause {
    public Default {
      Objects.requireNonNull(pos);
    }
  }

  /**
   * An OPEN/OPENDIR reply: {@code passthrough,direct_io backing=1 fh=3}; {@code flags} are
   * FOPEN_* bits, the items are those of {@link ReplyKind#OPEN}.
   */
  record Open(Pos pos, Value.Flags flags, List<Item> items) implements ReplyClause {
    public Open {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(flags);
      items = List.copyOf(items);
    }
  }

  /**
   * A reply of a keyword kind ({@code entry}, {@code negative}, {@code attr}, {@code ok},
   * {@code data}, {@code written}, {@code dirents}) with its items; never {@link ReplyKind#OPEN}.
   */
  record Fields(Pos pos, ReplyKind kind, List<Item> items) implements ReplyClause {
    public Fields {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(kind);
      if (kind == ReplyKind.OPEN) {
        throw new IllegalArgumentException("an open reply is a ReplyClause.Open");
      }
      items = List.copyOf(items);
    }
  }
}
