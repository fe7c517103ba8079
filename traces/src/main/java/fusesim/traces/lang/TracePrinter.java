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
    return s.accept(PRINTER);
  }

  private static final StmtVisitor<String> PRINTER = new Printer();

  /** The text of each kind of statement. */
  private static final class Printer implements StmtVisitor<String> {
    @Override
    public String visitMount(Stmt.Mount m) {
      StringBuilder out = new StringBuilder("mount");
      for (Stmt.MountArg o : m.options()) {
        out.append(' ').append(o.option().word());
        o.value().ifPresent(v -> out.append('=').append(value(v, ",")));
      }
      return out.toString();
    }

    @Override
    public String visitLowerNode(Stmt.LowerNode n) {
      return "lower " + n.type().word() + " " + n.path().text() + items(n.attrs());
    }

    @Override
    public String visitLowerLink(Stmt.LowerLink l) {
      return "lower link " + l.path().text() + " -> " + l.target().text();
    }

    @Override
    public String visitLowerUnlink(Stmt.LowerUnlink u) {
      return "lower unlink " + u.path().text();
    }

    @Override
    public String visitLowerSet(Stmt.LowerSet l) {
      return "lower set " + l.path().text() + items(l.attrs());
    }

    @Override
    public String visitLowerWrite(Stmt.LowerWrite w) {
      return "lower write " + w.path().text() + " offset=" + w.offset().text() + " "
          + Lexer.quoteData(w.data().bytes());
    }

    @Override
    public String visitThreadDecl(Stmt.ThreadDecl t) {
      return "thread " + t.thread().text() + items(t.creds());
    }

    @Override
    public String visitServerPolicy(Stmt.ServerPolicy p) {
      return "server " + p.op().word() + " " + p.path().text() + " " + reply(p.reply());
    }

    @Override
    public String visitServerHold(Stmt.ServerHold h) {
      return "server hold " + h.op().word() + h.path().map(p -> " " + p.text()).orElse("");
    }

    @Override
    public String visitServerUnhold(Stmt.ServerUnhold h) {
      return "server unhold " + h.op().word() + h.path().map(p -> " " + p.text()).orElse("");
    }

    @Override
    public String visitServerReply(Stmt.ServerReply r) {
      return "server reply " + r.thread().text() + " " + r.op().word()
          + r.reply().map(x -> " " + reply(x)).orElse("");
    }

    @Override
    public String visitBackingOpen(Stmt.BackingOpen b) {
      return "server backing_open " + target(b.target()) + items(b.params()) + " = "
          + outcome(b.outcome());
    }

    @Override
    public String visitBackingClose(Stmt.BackingClose b) {
      return "server backing_close " + b.id().text() + " = " + outcome(b.outcome());
    }

    @Override
    public String visitServerLike(Stmt.ServerLike l) {
      return "server like " + l.preset().word();
    }

    @Override
    public String visitServerCrash(Stmt.ServerCrash c) {
      return "server crash";
    }

    @Override
    public String visitServerFault(Stmt.ServerFault f) {
      return "server fault " + f.op().name().toLowerCase(java.util.Locale.ROOT) + " " + f.fault().word();
    }

    @Override
    public String visitServerNotify(Stmt.ServerNotify n) {
      return "server notify " + n.kind().word() + " " + n.path().text();
    }

    @Override
    public String visitCall(Stmt.Call c) {
      return call(c, c.args()) + ") = " + outcome(c.outcome()) + checks(c.checks());
    }

    @Override
    public String visitUnfinished(Stmt.Unfinished u) {
      return call(u, u.args()) + " <unfinished ...>";
    }

    @Override
    public String visitResumed(Stmt.Resumed r) {
      return r.thread().text() + " <... " + r.syscall().word() + " resumed>) = "
          + outcome(r.outcome()) + checks(r.checks());
    }

    @Override
    public String visitTick(Stmt.Tick t) {
      return "tick " + t.duration().text();
    }

    @Override
    public String visitEvict(Stmt.Evict e) {
      return "evict " + e.path().text();
    }

    @Override
    public String visitDropCaches(Stmt.DropCaches d) {
      return "drop_caches";
    }

    @Override
    public String visitUmount(Stmt.Umount u) {
      return "umount";
    }

    @Override
    public String visitExpectRequests(Stmt.ExpectRequests r) {
      StringBuilder out = new StringBuilder("expect requests");
      r.requests().forEach(q -> out.append(' ').append(request(q)));
      return out.toString();
    }

    @Override
    public String visitExpectNo(Stmt.ExpectNo n) {
      return "expect no " + n.opcode().name();
    }

    @Override
    public String visitExpectInode(Stmt.ExpectInode i) {
      return "expect inode " + i.path().text() + items(i.items());
    }

    @Override
    public String visitExpectBacking(Stmt.ExpectBacking b) {
      return "expect backing " + b.id().text() + items(b.items());
    }

    @Override
    public String visitExpectFile(Stmt.ExpectFile f) {
      return "expect file " + f.fd().text() + items(f.items());
    }

    @Override
    public String visitExpectConn(Stmt.ExpectConn c) {
      return "expect conn" + items(c.items());
    }
  }

  /** {@code T1 name(arg, arg}: a call's text up to its closing parenthesis. */
  private static String call(Stmt.ThreadStep s, List<Value> values) {
    List<String> args = new ArrayList<>();
    for (Value v : values) {
      args.add(value(v, "|"));
    }
    return s.thread().text() + " " + s.syscall().word() + "(" + String.join(", ", args);
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
    if (v instanceof Value.Iov iov) {
      return "[" + iov.joined().replace(",", ", ") + "]";
    }
    if (v instanceof Value.Times tm) {
      return tm.text();
    }
    return String.join(",", ((Value.Names) v).names());
  }
}
