package fusesim.traces.replay;

import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.List;
import java.util.Optional;

/**
 * The sizes the model replays: its page cache and dirty ranges index pages with an int, so file
 * offsets, lengths and sizes past {@link #MAX_FILE_BYTES} are refused up front with a located
 * error naming the limit (a fuzzed {@code pwrite(3, 2000000000, 9000000000000000)} threw
 * IndexOutOfBoundsException from a BitSet), and one read or write moves at most
 * {@link #MAX_IO_BYTES}.
 */
final class ModelLimits {
  /** 1 TiB: far below the 8 TiB (2^31 pages of 4 KiB) where page indexes overflow. */
  static final long MAX_FILE_BYTES = 1L << 40;
  static final long MAX_IO_BYTES = 1L << 30;

  private ModelLimits() {}

  static void check(String file, Stmt s) {
    if (s instanceof Stmt.Call c) {
      args(file, c.syscall(), c.args());
    } else if (s instanceof Stmt.Unfinished u) {
      args(file, u.syscall(), u.args());
    } else if (s instanceof Stmt.LowerNode n) {
      sizes(file, n.attrs(), MAX_FILE_BYTES, "a file's size");
    } else if (s instanceof Stmt.LowerSet l) {
      sizes(file, l.attrs(), MAX_FILE_BYTES, "a file's size");
    } else if (s instanceof Stmt.LowerWrite w
        && w.offset().value() + w.data().bytes().length() > MAX_FILE_BYTES) {
      throw TraceSemanticError.at(file, w.offset().pos(), "a lower write may end at most at "
          + MAX_FILE_BYTES + " bytes");
    } else if (s instanceof Stmt.ServerPolicy p) {
      reply(file, Optional.of(p.reply()));
    } else if (s instanceof Stmt.ServerReply r) {
      reply(file, r.reply());
    }
  }

  private static void args(String file, Syscall sc, List<Value> args) {
    for (int i = 0; i < args.size() && i < sc.args().size(); i++) {
      ArgKind k = sc.args().get(i);
      if (args.get(i) instanceof Value.Int n) {
        if ((k == ArgKind.OFF || k == ArgKind.LEN) && n.value() > MAX_FILE_BYTES) {
          throw over(file, n.pos(), n.text(), "file offsets and lengths", MAX_FILE_BYTES);
        }
        if (k == ArgKind.COUNT && n.value() > MAX_IO_BYTES) {
          throw over(file, n.pos(), n.text(), "the bytes of one read or write", MAX_IO_BYTES);
        }
      }
    }
  }

  private static void reply(String file, Optional<ReplyClause> r) {
    if (r.isPresent() && r.get() instanceof ReplyClause.Fields f && f.kind().carriesBytes()) {
      sizes(file, f.items(), MAX_IO_BYTES, "the data of a server reply");
    }
  }

  private static void sizes(String file, List<Item> items, long max, String what) {
    for (Item i : items) {
      if (i.key().equals("size") && i.value() instanceof Value.Int n && n.value() > max) {
        throw over(file, i.pos(), "size=" + n.text(), what, max);
      }
    }
  }

  private static TraceSemanticError over(String file, Pos pos, String text, String what, long max) {
    return TraceSemanticError.at(file, pos, text + " is over the model's limit on " + what + " (" + max + ")");
  }
}
