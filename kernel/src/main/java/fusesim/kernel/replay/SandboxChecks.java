package fusesim.kernel.replay;

import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a trace may ask of the kernel oracle, which runs it as root: checked on the text before
 * anything is created or mounted, each refusal a located error naming the limit or the rule
 * (kernel/README.md, "Threat model"). The parser already refuses paths with {@code .}, {@code ..},
 * empty components and relative syscall paths ({@code TracePaths}); this adds:
 * <ul>
 *   <li>limits: statements, threads, lower nodes, file and I/O sizes, total tick time;</li>
 *   <li>symbolic links: a trace whose {@code symlink()} target leaves the mount (absolute, or with
 *       a {@code ..} component) may not resolve any path through a symbolic link it made, since the
 *       real kernel would follow it out of the mount (an absolute target is the host's root).</li>
 * </ul>
 */
public final class SandboxChecks {
  static final int MAX_STATEMENTS = 5_000;
  static final int MAX_THREADS = 64;
  static final int MAX_LOWER_NODES = 1_000;
  /** Lower file sizes and truncate/fallocate lengths: the lower tree is in tmpfs, in memory. */
  static final long MAX_FILE_BYTES = 64L << 20;
  /** One read or write, and a server reply's data. */
  static final long MAX_IO_BYTES = 16L << 20;
  /** All ticks of a trace together (each is at most KernelReplay.MAX_TICK). */
  static final long MAX_TICK_TOTAL_SECONDS = 60;

  /** Syscalls that do not follow their path's last component. */
  private static final Set<Syscall> NO_FOLLOW = EnumSet.of(Syscall.LSTAT, Syscall.READLINK, Syscall.UNLINK,
      Syscall.RMDIR, Syscall.RENAME, Syscall.RENAMEAT2, Syscall.LINK, Syscall.SYMLINK, Syscall.MKDIR, Syscall.MKNOD);

  private final String file;
  private final List<Stmt> body;
  /** The index of the statement being checked. */
  private int at;
  private final Set<String> links = new HashSet<>();
  private final Set<String> threads = new HashSet<>();
  private boolean escaping;
  private int lowerNodes;
  private long tickNanos;

  private SandboxChecks(String file, List<Stmt> body) {
    this.file = file;
    this.body = body;
  }

  /** Throws {@link TraceSemanticError} at the first statement the oracle must refuse. */
  static void check(Trace trace) {
    new SandboxChecks(trace.file(), trace.body()).run();
  }

  /**
   * The longest prefix of generated statements the oracle accepts (kernel fuzz cuts its traces
   * there, as it does before what the harness cannot express).
   */
  public static List<Stmt> allowedPrefix(List<Stmt> stmts) {
    List<Stmt> prefix = stmts;
    while (true) {
      SandboxChecks c = new SandboxChecks("generated", prefix);
      try {
        c.run();
        return prefix;
      } catch (TraceSemanticError e) {
        prefix = List.copyOf(prefix.subList(0, c.at));
      }
    }
  }

  private void run() {
    if (body.size() > MAX_STATEMENTS) {
      at = MAX_STATEMENTS;
      throw err(body.get(MAX_STATEMENTS).pos(), "more than " + MAX_STATEMENTS
          + " statements: over the kernel oracle's limit on statements per trace");
    }
    escaping = body.stream().anyMatch(SandboxChecks::makesEscapingLink);
    for (at = 0; at < body.size(); at++) {
      statement(body.get(at));
    }
  }

  private static boolean makesEscapingLink(Stmt s) {
    List<Value> args = s instanceof Stmt.Call c && c.syscall() == Syscall.SYMLINK ? c.args()
        : s instanceof Stmt.Unfinished u && u.syscall() == Syscall.SYMLINK ? u.args() : null;
    return args != null && !args.isEmpty() && args.get(0) instanceof Value.Str t && leaves(t.value());
  }

  /** A symlink target that, followed from anywhere in the mount, can lead out of it. */
  static boolean leaves(String target) {
    if (target.startsWith("/")) {
      return true;
    }
    for (String part : target.split("/", -1)) {
      if (part.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private void statement(Stmt s) {
    if (s instanceof Stmt.ThreadDecl d) {
      thread(d.thread().text(), d.pos());
    } else if (s instanceof Stmt.LowerNode n) {
      lowerNode(n.pos());
      size(n.attrs(), MAX_FILE_BYTES, "the size of a lower file");
      through(n.path().text(), n.path().pos(), true);
    } else if (s instanceof Stmt.LowerLink l) {
      lowerNode(l.pos());
      through(l.path().text(), l.path().pos(), true);
      through(l.target().text(), l.target().pos(), true);
    } else if (s instanceof Stmt.LowerSet l) {
      size(l.attrs(), MAX_FILE_BYTES, "the size of a lower file");
      through(l.path().text(), l.path().pos(), true);
    } else if (s instanceof Stmt.LowerWrite w) {
      through(w.path().text(), w.path().pos(), true);
    } else if (s instanceof Stmt.LowerUnlink l) {
      through(l.path().text(), l.path().pos(), false);
    } else if (s instanceof Stmt.ServerPolicy p) {
      reply(Optional.of(p.reply()));
    } else if (s instanceof Stmt.ServerReply r) {
      reply(r.reply());
    } else if (s instanceof Stmt.BackingOpen b) {
      if (b.target() instanceof Stmt.MountTarget m) {
        through(m.path(), m.pos(), true);
      } else if (b.target() instanceof Stmt.LowerTarget t) {
        through(t.path().text(), t.path().pos(), true);
      }
    } else if (s instanceof Stmt.Call c) {
      call(c.thread().text(), c.pos(), c.syscall(), c.args());
    } else if (s instanceof Stmt.Unfinished u) {
      call(u.thread().text(), u.pos(), u.syscall(), u.args());
    } else if (s instanceof Stmt.Tick t && !t.duration().infinite()) {
      tickNanos += t.duration().nanos();
      if (tickNanos > MAX_TICK_TOTAL_SECONDS * 1_000_000_000L || tickNanos < 0) {
        throw err(t.pos(), "ticks adding up to more than " + MAX_TICK_TOTAL_SECONDS
            + " s: over the kernel oracle's limit on tick time per trace");
      }
    }
  }

  private void thread(String name, Pos pos) {
    if (threads.add(name) && threads.size() > MAX_THREADS) {
      throw err(pos, "thread " + name + " is one more than " + MAX_THREADS
          + ": over the kernel oracle's limit on threads per trace");
    }
  }

  private void lowerNode(Pos pos) {
    if (++lowerNodes > MAX_LOWER_NODES) {
      throw err(pos, "more than " + MAX_LOWER_NODES + " lower nodes: over the kernel oracle's limit on lower "
          + "files, directories and links per trace");
    }
  }

  private void size(List<Item> items, long max, String what) {
    for (Item i : items) {
      if (i.key().equals("size") && i.value() instanceof Value.Int n && (n.value() > max || n.value() < 0)) {
        throw err(i.pos(), "size=" + n.text() + ": over the kernel oracle's limit on " + what + " (" + max
            + " bytes)");
      }
    }
  }

  private void reply(Optional<ReplyClause> reply) {
    // lookup-huge-size-eio-no-forget's entry size=2^63 is an attribute, not bytes sent
    if (reply.isPresent() && reply.get() instanceof ReplyClause.Fields f && f.kind().carriesBytes()) {
      size(f.items(), MAX_IO_BYTES, "the data of a server reply");
    }
  }

  private void call(String thread, Pos pos, Syscall sc, List<Value> args) {
    thread(thread, pos);
    for (int i = 0; i < args.size() && i < sc.args().size(); i++) {
      ArgKind k = sc.args().get(i);
      Value v = args.get(i);
      if (k == ArgKind.COUNT && v instanceof Value.Int n && n.value() > MAX_IO_BYTES) {
        throw err(v.pos(), n.text() + " bytes: over the kernel oracle's limit on one read or write ("
            + MAX_IO_BYTES + " bytes)");
      }
      if (k == ArgKind.LEN && v instanceof Value.Int n && n.value() > MAX_FILE_BYTES) {
        throw err(v.pos(), n.text() + " bytes: over the kernel oracle's limit on a file's length ("
            + MAX_FILE_BYTES + " bytes)");
      }
      if (k == ArgKind.PATH && v instanceof Value.Str p) {
        boolean last = !NO_FOLLOW.contains(sc);
        through(p.value(), v.pos(), last);
      }
    }
    if (sc == Syscall.SYMLINK && args.size() > 1 && args.get(1) instanceof Value.Str p) {
      links.add(p.value());
    } else if ((sc == Syscall.RENAME || sc == Syscall.RENAMEAT2 || sc == Syscall.LINK) && args.size() > 1
        && args.get(0) instanceof Value.Str from && args.get(1) instanceof Value.Str to && isLink(from.value())) {
      links.add(to.value());
    }
  }

  private boolean isLink(String path) {
    return links.contains(path);
  }

  /**
   * Refuses resolving {@code path} through a symbolic link the trace made, when the trace makes
   * one that leaves the mount: {@code followLast} when the last component is followed too.
   */
  private void through(String path, Pos pos, boolean followLast) {
    if (!escaping || links.isEmpty()) {
      return;
    }
    for (String l : links) {
      if (path.startsWith(l + "/") || followLast && path.equals(l)) {
        throw err(pos, "\"" + path + "\" resolves through the symbolic link " + l + ", and this trace makes one "
            + "that leads out of the mount: the kernel oracle refuses following links in such a trace");
      }
    }
  }

  private TraceSemanticError err(Pos pos, String message) {
    return TraceSemanticError.at(file, pos, message);
  }
}
