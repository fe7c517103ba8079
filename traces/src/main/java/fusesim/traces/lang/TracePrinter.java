package fusesim.traces.lang;

import fusesim.model.Opcode;
import fusesim.model.fuse.RequestFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prints a {@link Trace} as canonical text: the header lines in the order {@code trace:},
 * {@code semantics:} (if declared), {@code assume:}, {@code result:}, {@code doc:}; one empty line;
 * then one statement per line, tokens separated by single spaces, and a final newline.
 *
 * <p>Values are printed as they were written (number bases, errno case, flag names). Comments and
 * blank lines are not kept. Flag lists of open replies and {@code ops=} are joined with {@code ,},
 * syscall flags with {@code |}. Because lines move, {@code result: violates ID at line N} is
 * renumbered to the printed line of the statement that was on line N. So {@code parse(print(t))}
 * equals {@code t} except for positions (and that renumbering), and printing the text of a printed
 * trace gives it back byte for byte.
 */
public final class TracePrinter {
  private TracePrinter() {}

  /** The canonical text of {@code trace}. */
  public static String print(Trace trace) {
    List<String> lines = new ArrayList<>();
    Header h = trace.header();
    lines.add("trace: " + h.name().text());
    h.declaredSemantics().ifPresent(s -> lines.add("semantics: " + s.text()));
    for (Header.Assumption a : h.assumptions()) {
      lines.add("assume: " + a.id().text() + "=" + a.choice().text());
    }
    int headerLines = lines.size() + 1 + h.docs().size();
    lines.add("result: " + verdict(h.verdict(), renumbering(trace.body(), headerLines + 2)));
    for (Header.Doc d : h.docs()) {
      lines.add(d.text().isEmpty() ? "doc:" : "doc: " + d.text());
    }
    if (!trace.body().isEmpty()) {
      lines.add("");
    }
    for (Stmt s : trace.body()) {
      lines.add(print(s));
    }
    return String.join("\n", lines) + "\n";
  }

  /** The printed line number of each parsed statement line, for a body starting at firstLine. */
  private static Map<Long, Long> renumbering(List<Stmt> body, int firstLine) {
    Map<Long, Long> map = new HashMap<>();
    for (int i = 0; i < body.size(); i++) {
      if (body.get(i).pos().known()) {
        map.putIfAbsent((long) body.get(i).line(), (long) firstLine + i);
      }
    }
    return map;
  }

  private static String verdict(Header.Verdict v, Map<Long, Long> renumber) {
    if (v.pass()) {
      return "pass";
    }
    String text = "violates " + v.violates().get().text();
    if (v.atLine().isPresent()) {
      Value.Int n = v.atLine().get();
      Long printed = renumber.get(n.value());
      text += " at line " + (printed == null ? n.text() : printed.toString());
    }
    return text;
  }

  /** One statement as one line of canonical text (no newline). */
  public static String print(Stmt s) {
    if (s instanceof Stmt.ThreadStep) {
      return step((Stmt.ThreadStep) s);
    }
    if (s instanceof Stmt.Expect) {
      return expect((Stmt.Expect) s);
    }
    if (isServer(s)) {
      return "server " + server(s);
    }
    return world(s);
  }

  private static boolean isServer(Stmt s) {
    return s instanceof Stmt.ServerPolicy || s instanceof Stmt.ServerHold
        || s instanceof Stmt.ServerUnhold || s instanceof Stmt.ServerReply
        || s instanceof Stmt.BackingOpen || s instanceof Stmt.BackingClose
        || s instanceof Stmt.ServerCrash || s instanceof Stmt.ServerNotify
        || s instanceof Stmt.ServerLike || s instanceof Stmt.ServerFault;
  }

  private static String world(Stmt s) {
    if (s instanceof Stmt.Mount m) {
      StringBuilder out = new StringBuilder("mount");
      for (Stmt.MountArg o : m.options()) {
        out.append(' ').append(o.option().word());
        o.value().ifPresent(v -> out.append('=').append(value(v, ",")));
      }
      return out.toString();
    }
    if (s instanceof Stmt.LowerNode n) {
      return "lower " + n.type().word() + " " + n.path().text() + items(n.attrs());
    }
    if (s instanceof Stmt.LowerLink l) {
      return "lower link " + l.path().text() + " -> " + l.target().text();
    }
    if (s instanceof Stmt.LowerUnlink u) {
      return "lower unlink " + u.path().text();
    }
    if (s instanceof Stmt.LowerSet l) {
      return "lower set " + l.path().text() + items(l.attrs());
    }
    if (s instanceof Stmt.LowerWrite w) {
      return "lower write " + w.path().text() + " offset=" + w.offset().text() + " "
          + Lexer.quoteData(w.data().bytes());
    }
    if (s instanceof Stmt.ThreadDecl t) {
      return "thread " + t.thread().text() + items(t.creds());
    }
    return otherStep(s);
  }

  private static String otherStep(Stmt s) {
    if (s instanceof Stmt.Tick t) {
      return "tick " + t.duration().text();
    }
    if (s instanceof Stmt.Evict e) {
      return "evict " + e.path().text();
    }
    if (s instanceof Stmt.DropCaches) {
      return "drop_caches";
    }
    if (s instanceof Stmt.Umount) {
      return "umount";
    }
    throw new IllegalArgumentException("unknown statement " + s);
  }

  private static String server(Stmt s) {
    if (s instanceof Stmt.ServerPolicy p) {
      return p.op().word() + " " + p.path().text() + " " + reply(p.reply());
    }
    if (s instanceof Stmt.ServerHold h) {
      return "hold " + h.op().word() + h.path().map(p -> " " + p.text()).orElse("");
    }
    if (s instanceof Stmt.ServerUnhold h) {
      return "unhold " + h.op().word() + h.path().map(p -> " " + p.text()).orElse("");
    }
    if (s instanceof Stmt.ServerReply r) {
      return "reply " + r.thread().text() + " " + r.op().word()
          + r.reply().map(x -> " " + reply(x)).orElse("");
    }
    if (s instanceof Stmt.BackingOpen b) {
      return "backing_open " + target(b.target()) + items(b.params()) + " = "
          + outcome(b.outcome());
    }
    if (s instanceof Stmt.BackingClose b) {
      return "backing_close " + b.id().text() + " = " + outcome(b.outcome());
    }
    if (s instanceof Stmt.ServerNotify n) {
      return "notify " + n.kind().word() + " " + n.path().text();
    }
    if (s instanceof Stmt.ServerLike l) {
      return "like " + l.preset().word();
    }
    if (s instanceof Stmt.ServerFault f) {
      return "fault " + f.op().name().toLowerCase(java.util.Locale.ROOT) + " " + f.fault().word();
    }
    return "crash";
  }

  private static String target(Stmt.BackingTarget t) {
    if (t instanceof Stmt.FdTarget f) {
      return "fd=" + f.fd().text();
    }
    if (t instanceof Stmt.MountTarget m) {
      return "mount:" + m.path();
    }
    return ((Stmt.LowerTarget) t).path().text();
  }

  /** A server reply as written after the path of a policy line. */
  public static String reply(ReplyClause r) {
    if (r instanceof ReplyClause.Fails f) {
      return f.errno().text();
    }
    if (r instanceof ReplyClause.Default) {
      return "default";
    }
    if (r instanceof ReplyClause.Open o) {
      return value(o.flags(), ",") + items(o.items());
    }
    ReplyClause.Fields f = (ReplyClause.Fields) r;
    return f.kind().keyword() + items(f.items());
  }

  private static String step(Stmt.ThreadStep s) {
    String thread = s.thread().text() + " ";
    if (s instanceof Stmt.Resumed r) {
      return thread + "<... " + r.syscall().word() + " resumed>) = " + outcome(r.outcome())
          + checks(r.checks());
    }
    List<String> args = new ArrayList<>();
    List<Value> values = s instanceof Stmt.Call c ? c.args() : ((Stmt.Unfinished) s).args();
    for (Value v : values) {
      args.add(value(v, "|"));
    }
    String call = thread + s.syscall().word() + "(" + String.join(", ", args);
    if (s instanceof Stmt.Call c) {
      return call + ") = " + outcome(c.outcome()) + checks(c.checks());
    }
    return call + " <unfinished ...>";
  }

  private static String checks(List<Item> checks) {
    return checks.isEmpty() ? "" : " {" + items(checks).substring(1) + "}";
  }

  /** A result as written after {@code =}. */
  public static String outcome(Outcome o) {
    if (o instanceof Outcome.Returns r) {
      return r.value().text() + (r.data() == null ? "" : " " + Lexer.quoteData(r.data().bytes()));
    }
    if (o instanceof Outcome.Fails f) {
      return "-1 " + f.errno().text();
    }
    if (o instanceof Outcome.Maps m) {
      return m.mapping();
    }
    return "?";
  }

  private static String expect(Stmt.Expect e) {
    if (e instanceof Stmt.ExpectRequests r) {
      StringBuilder out = new StringBuilder("expect requests");
      r.requests().forEach(q -> out.append(' ').append(request(q)));
      return out.toString();
    }
    if (e instanceof Stmt.ExpectNo n) {
      return "expect no " + n.opcode().name();
    }
    if (e instanceof Stmt.ExpectInode i) {
      return "expect inode " + i.path().text() + items(i.items());
    }
    if (e instanceof Stmt.ExpectBacking b) {
      return "expect backing " + b.id().text() + items(b.items());
    }
    if (e instanceof Stmt.ExpectFile f) {
      return "expect file " + f.fd().text() + items(f.items());
    }
    return "expect conn" + items(((Stmt.ExpectConn) e).items());
  }

  /**
   * {@code OPCODE(NODEID)}, {@code OPCODE(NODEID,"NAME")}, {@code FORGET(NODEID,N)}, or with the
   * in-arg field of MKNOD/SYMLINK/LINK; a MKNOD mode prints in octal, as the model writes it; then
   * the fields as written ({@code ,valid=SIZE|LOCKOWNER}).
   */
  public static String request(Stmt.Request q) {
    StringBuilder out = new StringBuilder(base(q));
    for (Stmt.ReqField f : q.fields()) {
      out.append(',').append(f.name()).append('=').append(value(f.value(), "|"));
    }
    return out.append(')').toString();
  }

  /**
   * The request with its fields in the canonical spelling the model and the kernel oracle print
   * ({@link RequestFields#render}), so that it compares with theirs as text.
   */
  public static String canonicalRequest(Stmt.Request q) {
    java.util.Map<String, Stmt.ReqField> byName = new java.util.HashMap<>();
    q.fields().forEach(f -> byName.put(f.name(), f));
    StringBuilder out = new StringBuilder(base(q));
    RequestFields.of(q.opcode()).ifPresent(s -> s.fields().forEach(fd -> {
      Stmt.ReqField f = byName.get(fd.name());
      if (f != null) {
        out.append(',').append(fd.name()).append('=').append(f.value() instanceof Value.Str str
            ? RequestFields.quote(str.value()) : RequestFields.value(fd, f.resolved()));
      }
    }));
    return out.append(')').toString();
  }

  private static String base(Stmt.Request q) {
    Optional<String> arg = q.arg().map(a -> value(a, ","));
    Optional<String> field = q.field().map(f -> q.opcode() == Opcode.MKNOD && f instanceof Value.Int i
        ? "0" + Long.toOctalString(i.value()) : value(f, ","));
    return q.opcode().name() + "(" + q.nodeid().text() + arg.map(a -> "," + a).orElse("")
        + field.map(f -> "," + f).orElse("");
  }

  /** Items as {@code " k=v k=v"} (with a leading space), or the empty string. */
  private static String items(List<Item> items) {
    StringBuilder out = new StringBuilder();
    for (Item i : items) {
      out.append(' ').append(i.key()).append('=').append(value(i.value(), ","));
    }
    return out.toString();
  }

  /** A value as written; {@code flagSeparator} joins the terms of a flag expression. */
  public static String value(Value v, String flagSeparator) {
    if (v instanceof Value.Int i) {
      return i.text();
    }
    if (v instanceof Value.Str s) {
      return Lexer.quote(s.value());
    }
    if (v instanceof Value.Data d) {
      return Lexer.quoteData(d.bytes());
    }
    if (v instanceof Value.Sym s) {
      return s.name();
    }
    if (v instanceof Value.Flags f) {
      return String.join(flagSeparator, f.terms());
    }
    if (v instanceof Value.Time t) {
      return t.text();
    }
    if (v instanceof Value.Err e) {
      return e.text();
    }
    return String.join(",", ((Value.Names) v).names());
  }
}
