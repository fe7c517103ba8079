package fusesim.properties;

import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.FlagTable;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Value;
import fusesim.traces.lang.Word;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Shrinks a failing statement sequence to a 1-minimal one that fails the same invariant first.
 * Each candidate is re-checked by execution on a fresh model ({@link Session#run}); a candidate
 * that is meaningless (a later {@code close(3)} whose open was removed, a reply to a request never
 * sent, a call that now blocks or no longer blocks) is simply rejected.
 */
public final class TraceShrinker {
  /** Attempts allowed per shrink (deterministic bound). */
  public static final int MAX_ATTEMPTS = 20_000;
  /** Wall-time safety net per shrink; hitting it is reported (not 1-minimal for sure). */
  public static final long MAX_MILLIS = 20_000;

  private TraceShrinker() {}

  public static Shrinker.Result<Stmt> shrink(Setup setup, List<Stmt> failing, String invariant) {
    return new Shrinker<Stmt>(cand -> {
      Session.Result r = Session.run(setup, cand, false);
      if (r.status() != Session.Status.VIOLATED || !r.violation().invariant().equals(invariant)) {
        return null;
      }
      List<Stmt> found = List.copyOf(r.stmts());
      return setup.faults().isEmpty() || !violatesWithoutFaults(setup, found, invariant) ? found : null;
    }, TraceShrinker::simpler, TraceShrinker::rewrites, MAX_ATTEMPTS, MAX_MILLIS).shrink(failing);
  }

  /** Whole-sequence simplifications, most sweeping first: sequential calls, then fewer threads. */
  static List<List<Stmt>> rewrites(List<Stmt> seq) {
    List<List<Stmt>> out = new ArrayList<>(sequentialisations(seq));
    out.addAll(threadRenames(seq));
    out.addAll(backingRenumberings(seq));
    return out;
  }

  // ---- whole-sequence rewrites: backing ids ----------------------------------------------------

  /**
   * Candidates without one {@code server backing_open}, the ids after it renumbered down by one.
   * Deleting the statement alone cannot work once a later reply names a later id: the kernel
   * allocates ids in order (idr_alloc in fuse_backing_open(), fs/fuse/backing.c), so the next open
   * would get the deleted one's id. The k-th backing_open is taken to have got id k; where that is
   * not so (a failed open, a closed id reused), the candidate fails the shrinker's test and is
   * dropped. A candidate whose later statements name the deleted id itself is not offered.
   */
  static List<List<Stmt>> backingRenumberings(List<Stmt> seq) {
    List<List<Stmt>> out = new ArrayList<>();
    long ordinal = 0;
    for (int i = 0; i < seq.size(); i++) {
      if (!(seq.get(i) instanceof Stmt.BackingOpen)) {
        continue;
      }
      long dropped = ++ordinal;
      List<Stmt> cand = new ArrayList<>(seq.subList(0, i));
      boolean named = false;
      boolean renumbered = false; // else plain deletion, which the shrinker tries anyway
      for (Stmt st : seq.subList(i + 1, seq.size())) {
        Stmt r = renumber(st, dropped);
        named |= r == null;
        renumbered |= r != st;
        cand.add(r);
      }
      if (!named && renumbered) {
        out.add(cand);
      }
    }
    return out;
  }

  /**
   * {@code s} with every backing id above {@code dropped} one less; null if it names
   * {@code dropped}; {@code s} itself if it names no id above it.
   */
  private static Stmt renumber(Stmt s, long dropped) {
    if (s instanceof Stmt.ServerPolicy) {
      Stmt.ServerPolicy p = (Stmt.ServerPolicy) s;
      ReplyClause r = renumber(p.reply(), dropped);
      if (r == null || r == p.reply()) {
        return r == null ? null : s;
      }
      return new Stmt.ServerPolicy(p.pos(), p.op(), p.path(), r);
    }
    if (s instanceof Stmt.ServerReply && ((Stmt.ServerReply) s).reply().isPresent()) {
      Stmt.ServerReply p = (Stmt.ServerReply) s;
      ReplyClause r = renumber(p.reply().get(), dropped);
      if (r == null || r == p.reply().get()) {
        return r == null ? null : s;
      }
      return new Stmt.ServerReply(p.pos(), p.thread(), p.op(), java.util.Optional.of(r));
    }
    if (s instanceof Stmt.BackingOpen) { // a later open's stated id moves down too
      Stmt.BackingOpen b = (Stmt.BackingOpen) s;
      if (b.outcome() instanceof fusesim.traces.lang.Outcome.Returns) {
        long id = ((fusesim.traces.lang.Outcome.Returns) b.outcome()).value().value();
        if (id > dropped) {
          return new Stmt.BackingOpen(b.pos(), b.target(), b.params(),
              new fusesim.traces.lang.Outcome.Returns(b.outcome().pos(), Value.Int.of(id - 1)));
        }
      }
      return s;
    }
    if (s instanceof Stmt.BackingClose) {
      Stmt.BackingClose c = (Stmt.BackingClose) s;
      long id = c.id().value();
      if (id == dropped) {
        return null;
      }
      return id > dropped ? new Stmt.BackingClose(c.pos(), Value.Int.of(id - 1), c.outcome()) : s;
    }
    return s;
  }

  private static ReplyClause renumber(ReplyClause r, long dropped) {
    List<Item> items = r instanceof ReplyClause.Open ? ((ReplyClause.Open) r).items()
        : r instanceof ReplyClause.Fields ? ((ReplyClause.Fields) r).items() : List.of();
    List<Item> out = new ArrayList<>(items.size());
    boolean changed = false;
    for (Item it : items) {
      if (it.key().equals("backing") && it.value() instanceof Value.Int) {
        long id = ((Value.Int) it.value()).value();
        if (id == dropped) {
          return null;
        }
        if (id > dropped) {
          out.add(Item.of("backing", Value.Int.of(id - 1)));
          changed = true;
          continue;
        }
      }
      out.add(it);
    }
    if (!changed) {
      return r;
    }
    return r instanceof ReplyClause.Open ? new ReplyClause.Open(r.pos(), ((ReplyClause.Open) r).flags(), out)
        : new ReplyClause.Fields(r.pos(), ((ReplyClause.Fields) r).kind(), out);
  }

  /** What makes a trace concurrent: calls held in flight, and threads. */
  public record Shape(int heldCalls, int threads) {
    public static Shape of(List<Stmt> seq) {
      int held = 0;
      TreeSet<String> threads = new TreeSet<>();
      for (Stmt s : seq) {
        held += s instanceof Stmt.Unfinished ? 1 : 0;
        String t = Ast.thread(s);
        if (t != null && !(s instanceof Stmt.ServerReply)) {
          threads.add(t);
        }
      }
      return new Shape(held, threads.size());
    }

    @Override
    public String toString() {
      return heldCalls + " held call" + (heldCalls == 1 ? "" : "s") + ", " + threads + " thread"
          + (threads == 1 ? "" : "s");
    }
  }

  /**
   * Shrinks with the caller's predicate (for example "model and real kernel still disagree at the
   * same step"), with the same statement simplifications and thread renames as
   * {@link #shrink(Setup, List, String)}. {@code test} returns null when a candidate does not fail
   * the same way, else the failing sequence (the candidate, or its prefix up to the failure).
   */
  public static Shrinker.Result<Stmt> shrink(List<Stmt> failing,
      java.util.function.Function<List<Stmt>, List<Stmt>> test, int maxAttempts, long maxMillis) {
    return new Shrinker<Stmt>(test, TraceShrinker::simpler, TraceShrinker::threadRenames, maxAttempts,
        maxMillis).shrink(failing);
  }

  /**
   * Whether {@code seq} breaks {@code invariant} with the faults off too: then it shows a
   * behaviour of the unfaulted model, not the fault, and a fault campaign must not report it.
   */
  public static boolean violatesWithoutFaults(Setup setup, List<Stmt> seq, String invariant) {
    Setup clean = new Setup(setup.semantics(), java.util.Set.of(), setup.mode(), setup.checker());
    Session.Result r = Session.run(clean, seq, false);
    return r.status() == Session.Status.VIOLATED && r.violation().invariant().equals(invariant);
  }

  // ---- whole-sequence rewrites: sequential calls ---------------------------------------------

  /**
   * Candidates that turn held calls into sequential ones: {@code T open(...) <unfinished ...>},
   * the server's {@code server reply T OP} lines and {@code <... open resumed>} become one
   * {@code T open(...) = ?} that returns at once, placed where the call started or where it
   * returned. First every held call at once with every hold gone; then each held call alone,
   * keeping the holds, or without the holds of the opcodes it was answered for. A candidate is
   * kept only if the same invariant still breaks first (the shrinker's test), and a call that
   * still blocks makes the candidate invalid.
   */
  static List<List<Stmt>> sequentialisations(List<Stmt> seq) {
    // {unfinished index, resumed index or -1}, paired by the trace driver as every replay pairs them
    List<int[]> held = fusesim.traces.replay.TextBackend.heldCalls(seq);
    List<List<Stmt>> out = new ArrayList<>();
    if (held.isEmpty()) {
      return out;
    }
    for (boolean atReturn : new boolean[] {false, true}) {
      List<Stmt> all = new ArrayList<>(seq);
      for (int k = held.size() - 1; k >= 0; k--) {
        all = sequential(all, held.get(k)[0], atReturn, null);
      }
      all.removeIf(s -> s instanceof Stmt.ServerHold || s instanceof Stmt.ServerUnhold);
      out.add(all);
    }
    for (int[] h : held) {
      java.util.Set<fusesim.traces.lang.ServerOp> ops = new java.util.TreeSet<>();
      int end = h[1] < 0 ? seq.size() : h[1];
      String t = Ast.thread(seq.get(h[0]));
      for (int j = h[0] + 1; j < end; j++) {
        if (seq.get(j) instanceof Stmt.ServerReply && t.equals(((Stmt.ServerReply) seq.get(j)).thread().text())) {
          ops.add(((Stmt.ServerReply) seq.get(j)).op());
        }
      }
      for (boolean atReturn : new boolean[] {false, true}) {
        out.add(sequential(seq, h[0], atReturn, null));
        if (!ops.isEmpty()) {
          out.add(sequential(seq, h[0], atReturn, ops));
        }
      }
    }
    return out;
  }

  /**
   * The held call at {@code u} made sequential (see {@link #sequentialisations}); with
   * {@code dropHolds}, the hold and unhold lines of those opcodes go too.
   */
  private static List<Stmt> sequential(List<Stmt> seq, int u, boolean atReturn,
      java.util.Set<fusesim.traces.lang.ServerOp> dropHolds) {
    Stmt.Unfinished call = (Stmt.Unfinished) seq.get(u);
    String t = call.thread().text();
    Stmt.Call now = new Stmt.Call(call.pos(), call.thread(), call.syscall(), call.args(), Ast.ANY, List.of());
    List<Stmt> out = new ArrayList<>(seq.size());
    boolean inFlight = false;
    boolean placed = false;
    for (int i = 0; i < seq.size(); i++) {
      Stmt s = seq.get(i);
      if (i == u) {
        inFlight = true;
        if (!atReturn) {
          out.add(now);
          placed = true;
        }
        continue;
      }
      if (inFlight && s instanceof Stmt.ServerReply && t.equals(((Stmt.ServerReply) s).thread().text())) {
        continue;
      }
      if (inFlight && s instanceof Stmt.Resumed && t.equals(Ast.thread(s))) {
        inFlight = false;
        if (!placed) {
          out.add(now);
          placed = true;
        }
        continue;
      }
      if (dropHolds != null && (s instanceof Stmt.ServerHold && dropHolds.contains(((Stmt.ServerHold) s).op())
          || s instanceof Stmt.ServerUnhold && dropHolds.contains(((Stmt.ServerUnhold) s).op()))) {
        continue;
      }
      out.add(s);
    }
    if (!placed) {
      out.add(now); // still in flight where the sequence ends: it returns at the end
    }
    return out;
  }

  // ---- whole-sequence rewrites: fewer threads ------------------------------------------------

  static List<List<Stmt>> threadRenames(List<Stmt> seq) {
    TreeSet<Integer> used = new TreeSet<>();
    for (Stmt s : seq) {
      String t = Ast.thread(s);
      if (t != null) {
        used.add(Integer.parseInt(t.substring(1)));
      }
    }
    List<List<Stmt>> out = new ArrayList<>();
    for (int from : used.descendingSet()) {
      for (int to = 1; to < from; to++) {
        out.add(rename(seq, "T" + from, "T" + to));
      }
    }
    return out;
  }

  private static List<Stmt> rename(List<Stmt> seq, String from, String to) {
    List<Stmt> out = new ArrayList<>(seq.size());
    Word w = Word.of(to);
    for (Stmt s : seq) {
      if (!from.equals(Ast.thread(s))) {
        out.add(s);
      } else if (s instanceof Stmt.Call) {
        Stmt.Call c = (Stmt.Call) s;
        out.add(new Stmt.Call(c.pos(), w, c.syscall(), c.args(), c.outcome(), c.checks()));
      } else if (s instanceof Stmt.Unfinished) {
        Stmt.Unfinished c = (Stmt.Unfinished) s;
        out.add(new Stmt.Unfinished(c.pos(), w, c.syscall(), c.args()));
      } else if (s instanceof Stmt.Resumed) {
        Stmt.Resumed c = (Stmt.Resumed) s;
        out.add(new Stmt.Resumed(c.pos(), w, c.syscall(), c.outcome(), c.checks()));
      } else {
        Stmt.ServerReply r = (Stmt.ServerReply) s;
        out.add(new Stmt.ServerReply(r.pos(), w, r.op(), r.reply()));
      }
    }
    return out;
  }

  // ---- simpler forms of one statement --------------------------------------------------------

  static List<Stmt> simpler(Stmt s) {
    List<Stmt> out = new ArrayList<>();
    if (s instanceof Stmt.Call) {
      Stmt.Call c = (Stmt.Call) s;
      for (List<Value> args : simplerArgs(c.syscall(), c.args())) {
        out.add(new Stmt.Call(c.pos(), c.thread(), c.syscall(), args, c.outcome(), c.checks()));
      }
    } else if (s instanceof Stmt.Unfinished) {
      Stmt.Unfinished c = (Stmt.Unfinished) s;
      for (List<Value> args : simplerArgs(c.syscall(), c.args())) {
        out.add(new Stmt.Unfinished(c.pos(), c.thread(), c.syscall(), args));
      }
    } else if (s instanceof Stmt.ServerPolicy) {
      Stmt.ServerPolicy p = (Stmt.ServerPolicy) s;
      for (ReplyClause r : simplerReplies(p.reply())) {
        out.add(new Stmt.ServerPolicy(p.pos(), p.op(), p.path(), r));
      }
    } else if (s instanceof Stmt.ServerReply) {
      Stmt.ServerReply p = (Stmt.ServerReply) s;
      if (p.reply().isPresent()) {
        out.add(new Stmt.ServerReply(p.pos(), p.thread(), p.op(), java.util.Optional.empty()));
      }
    } else if (s instanceof Stmt.Mount) {
      Stmt.Mount m = (Stmt.Mount) s;
      for (int i = 0; i < m.options().size(); i++) {
        List<Stmt.MountArg> o = new ArrayList<>(m.options());
        o.remove(i);
        out.add(new Stmt.Mount(m.pos(), o));
      }
    } else if (s instanceof Stmt.LowerNode) {
      Stmt.LowerNode n = (Stmt.LowerNode) s;
      for (List<Item> items : dropOne(n.attrs(), "ino")) {
        out.add(new Stmt.LowerNode(n.pos(), n.type(), n.path(), items));
      }
    } else if (s instanceof Stmt.Tick) {
      Stmt.Tick t = (Stmt.Tick) s;
      if (t.duration().nanos() > 1_000_000_000L) {
        out.add(Ast.tick(1));
      }
    }
    return out;
  }

  private static List<List<Value>> simplerArgs(fusesim.traces.lang.Syscall sc, List<Value> args) {
    List<List<Value>> out = new ArrayList<>();
    List<ArgKind> kinds = sc.args();
    for (int i = 0; i < args.size(); i++) {
      Value v = args.get(i);
      ArgKind k = kinds.get(i);
      List<Value> alts = new ArrayList<>();
      if ((k == ArgKind.COUNT || k == ArgKind.OFF || k == ArgKind.LEN) && v instanceof Value.Int) {
        long x = ((Value.Int) v).value();
        for (long y : new long[] {0, 1}) {
          if (y < x && !(k == ArgKind.COUNT && y == 0)) {
            alts.add(Ast.num(y));
          }
        }
      } else if (k == ArgKind.PATH && v instanceof Value.Str && !((Value.Str) v).value().equals("/a")) {
        alts.add(Ast.str("/a"));
      } else if (v instanceof Value.Flags && k.flags().isPresent()) {
        alts.addAll(simplerFlags(k.flags().get(), (Value.Flags) v, k == ArgKind.OFLAGS));
      }
      for (Value a : alts) {
        List<Value> c = new ArrayList<>(args);
        c.set(i, a);
        out.add(c);
      }
    }
    return out;
  }

  /** Drop one term (keeping at least one; for open flags keep the access mode, read-only first). */
  private static List<Value> simplerFlags(FlagTable table, Value.Flags f, boolean oflags) {
    List<Value> out = new ArrayList<>();
    List<String> terms = f.terms();
    for (int j = 0; j < terms.size(); j++) {
      String t = terms.get(j);
      if (oflags && (t.equals("O_RDWR") || t.equals("O_WRONLY"))) {
        List<String> c = new ArrayList<>(terms);
        c.set(j, "O_RDONLY");
        out.add(Ast.flags(table, c));
        continue;
      }
      if (terms.size() > 1 && !(oflags && t.equals("O_RDONLY")) && !t.equals("O_DIRECTORY")) {
        List<String> c = new ArrayList<>(terms);
        c.remove(j);
        out.add(Ast.flags(table, c));
      }
    }
    return out;
  }

  private static List<ReplyClause> simplerReplies(ReplyClause r) {
    List<ReplyClause> out = new ArrayList<>();
    if (r instanceof ReplyClause.Open) {
      ReplyClause.Open o = (ReplyClause.Open) r;
      List<String> terms = o.flags().terms();
      for (int j = 0; j < terms.size(); j++) {
        List<String> c = new ArrayList<>(terms);
        c.remove(j);
        out.add(new ReplyClause.Open(o.pos(), Ast.flags(Catalog.FOPEN, c.isEmpty() ? List.of("cached") : c), o.items()));
      }
      for (List<Item> items : dropOne(o.items(), null)) {
        out.add(new ReplyClause.Open(o.pos(), o.flags(), items));
      }
    } else if (r instanceof ReplyClause.Fields) {
      ReplyClause.Fields f = (ReplyClause.Fields) r;
      for (List<Item> items : dropOne(f.items(), null)) {
        out.add(new ReplyClause.Fields(f.pos(), f.kind(), items));
      }
    }
    return out;
  }

  private static List<List<Item>> dropOne(List<Item> items, String keep) {
    List<List<Item>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).key().equals(keep)) {
        List<Item> c = new ArrayList<>(items);
        c.remove(i);
        out.add(c);
      }
    }
    return out;
  }
}
