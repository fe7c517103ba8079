package fusesim.report.repro;

import fusesim.model.Errno;
import fusesim.model.Opcode;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static fusesim.report.repro.CLiterals.c;
import static fusesim.report.repro.CLiterals.data;
import static fusesim.report.repro.CLiterals.lit;

/**
 * {@code fusesim repro}: one trace as one self-contained C file, a kselftest-style reproducer that
 * replays the trace on the kernel it runs on exactly as {@code fusesim kernel replay} does (the C twin
 * of {@code fusesim.kernel.replay.KernelReplay} and the server under it lives in
 * {@code repro-runtime.c}). This class writes the trace-specific part: one C statement per trace
 * statement (one method per kind of statement, {@link #statement}), the server replies as patch tables,
 * the thread table, and the model's requests per line, which the C waits for as the Java replay does
 * ({@code KernelReplay.runBeside}). What the C runtime cannot do is refused with
 * {@code FILE:LINE:COL: MESSAGE} naming the statement ({@link TraceSemanticError}): never a C file that
 * checks less than the trace says.
 *
 * <pre>
 * String c = CRepro.generate(TraceParser.parse("t.trace", text));
 * </pre>
 */
public final class CRepro {
    /** Trace threads the C driver runs at most (its slot table). */
    public static final int MAX_THREADS = 16;
    private static final String RUNTIME = "/fusesim/report/repro-runtime.c";

    private final Trace trace;
    private final CReplies replies;
    private final StringBuilder body = new StringBuilder();
    private final Map<String, int[]> threads = new LinkedHashMap<>();
    private final Map<String, int[]> declared = new LinkedHashMap<>();
    private final Map<Integer, List<String>> hints;
    private int cutoff = Integer.MAX_VALUE;

    private CRepro(Trace trace, Map<Integer, List<String>> hints) {
        this.trace = trace;
        this.hints = hints;
        this.replies = new CReplies(trace);
    }

    /**
     * The C reproducer of {@code trace}.
     *
     * @throws TraceSemanticError when the trace means nothing (as kernel replay checks it) or uses
     *     something the C reproducer cannot express
     */
    public static String generate(Trace trace) {
        fusesim.kernel.replay.TraceChecks.check(trace);
        Map<Integer, List<String>> hints = new TreeMap<>();
        try {
            for (ModelReplay.Step s : ModelReplay.run(trace).steps()) {
                Observation o = s.obs();
                // the model's fields are not all decoded by the C: it waits for the requests by name and arguments
                hints.put(o.line(), o.requests().stream().map(fusesim.traces.replay.Requests::base).toList());
            }
        } catch (RuntimeException e) {
            // a trace the model cannot replay: the C waits without hints (the usual quiet periods)
            hints.clear();
        }
        return new CRepro(trace, hints).write();
    }

    private String write() {
        Header.Verdict v = trace.header().verdict();
        if (v.violates().isPresent() && v.atLine().isPresent()) {
            cutoff = (int) v.atLine().get().value();
        }
        for (Stmt s : trace.body()) {
            body.append("    /* line ").append(s.line()).append(" */\n");
            if (s.line() > cutoff) {
                body.append("    skip(").append(s.line()).append(", ").append(c(TracePrinter.print(s))).append(", ")
                        .append(c("after line " + cutoff + ", where the model-only verdict applies")).append(");\n");
                continue;
            }
            if (s instanceof Stmt.Expect e && e.modelOnly()) {
                body.append("    skip(").append(s.line()).append(", ").append(c(TracePrinter.print(s))).append(", ")
                        .append(c("model-only expectation (internal state a kernel does not show)")).append(");\n");
                continue;
            }
            String call = statement(s);
            body.append("    if (step(").append(s.line()).append(", ").append(c(TracePrinter.print(s))).append(")) { ")
                    .append(call).append(" end_step(); }\n");
        }
        StringBuilder out = new StringBuilder();
        out.append("/* fusesim repro of trace ").append(trace.name()).append(" (").append(trace.file()).append(")\n");
        out.append(" * semantics: ").append(trace.header().semantics().text()).append(", result: ")
                .append(TracePrinter.print(trace).lines().filter(l -> l.startsWith("result:")).findFirst().orElse(""))
                .append('\n');
        for (Header.Doc d : trace.header().docs()) {
            out.append(" * ").append(d.text().replace("*/", "* /")).append('\n');
        }
        out.append(" *\n * Build: cc -O2 -Wall -Werror repro.c -o repro   (no library beyond libc; run as root)\n");
        out.append(" * Run: ./repro   TAP output; exit 0 every line met, 1 one was not, 4 skipped (kernel unusable)\n");
        out.append(" * Generated by `fusesim repro`; the same trace on this kernel: `fusesim kernel replay`.\n */\n");
        out.append(runtime().replace("/*@ERRNO_NAMES@*/", errnoTable()).replace("/*@REQUEST_FIELDS@*/", CRequestFields.fieldTable()));
        out.append("\n/* ---------------------------------------------------------------- the trace */\n");
        out.append("static const char *trace_name(void) { return ").append(c(trace.name())).append("; }\n");
        out.append("static int trace_is_series(void) { return ")
                .append(trace.header().semantics().series() == Header.Series.MAINLINE ? 0 : 1).append("; }\n");
        out.append("static int trace_statements(void) { return ").append(trace.body().size()).append("; }\n");
        if (threads.isEmpty()) {
            threads.put("T1", new int[] {0, 0, 0});
        }
        out.append("static const struct threadinfo TRACE_THREADS[] = {");
        for (Map.Entry<String, int[]> t : threads.entrySet()) {
            out.append("{").append(c(t.getKey())).append(", ").append(t.getValue()[1]).append(", ")
                    .append(t.getValue()[2]).append("}, ");
        }
        out.append("};\n");
        out.append("static const struct threadinfo *trace_threads(int *n) { *n = ").append(threads.size())
                .append("; return TRACE_THREADS; }\n");
        out.append(replies.tables());
        out.append(hintTable());
        out.append("static void trace_body(void) {\n").append(body).append("}\n");
        return out.toString();
    }

    private static String runtime() {
        try (InputStream in = CRepro.class.getResourceAsStream(RUNTIME)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RUNTIME);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String errnoTable() {
        int max = 0;
        for (Errno e : Errno.values()) {
            max = Math.max(max, e.number());
        }
        String[] names = new String[max + 1];
        for (Errno e : Errno.values()) {
            if (names[e.number()] == null) {
                names[e.number()] = e.name();
            }
        }
        StringBuilder b = new StringBuilder("static const char *const ERRNO_NAMES[] = {");
        for (int i = 0; i <= max; i++) {
            b.append(i % 8 == 0 ? "\n    " : " ").append(names[i] == null ? "NULL" : c(names[i])).append(',');
        }
        return b.append("\n};\n#define ERRNO_COUNT ").append(max + 1).append('\n').toString();
    }

    private String hintTable() {
        StringBuilder b = new StringBuilder();
        StringBuilder sw = new StringBuilder("static const char *const *hint_of(int line) {\n    switch (line) {\n");
        for (Map.Entry<Integer, List<String>> h : hints.entrySet()) {
            b.append("static const char *const H").append(h.getKey()).append("[] = {");
            for (String r : h.getValue()) {
                b.append(c(r)).append(", ");
            }
            b.append("NULL};\n");
            sw.append("    case ").append(h.getKey()).append(": return H").append(h.getKey()).append(";\n");
        }
        sw.append("    default: return NULL;\n    }\n}\n");
        return b.append(sw).toString();
    }

    // ------------------------------------------------------------------ one method per statement

    /** The C call that runs {@code s} (one method per kind of statement). */
    private String statement(Stmt s) {
        return s.accept(new Statements());
    }

    /** One C call per kind of statement; model-only expectations are never asked (they are skipped). */
    private final class Statements implements fusesim.traces.lang.StmtVisitor<String> {
        @Override
        public String visitMount(Stmt.Mount m) {
            return CWorld.mount(m);
        }

        @Override
        public String visitLowerNode(Stmt.LowerNode n) {
            return CWorld.lowerNode(trace, n);
        }

        @Override
        public String visitLowerLink(Stmt.LowerLink l) {
            return "st_lower_link(" + c(l.path().text()) + ", " + c(l.target().text()) + ");";
        }

        @Override
        public String visitLowerUnlink(Stmt.LowerUnlink u) {
            return "st_lower_unlink(" + c(u.path().text()) + ");";
        }

        @Override
        public String visitLowerSet(Stmt.LowerSet ls) {
            return CWorld.lowerSet(ls);
        }

        @Override
        public String visitLowerWrite(Stmt.LowerWrite w) {
            return "st_lower_write(" + c(w.path().text()) + ", " + lit(w.offset().value()) + ", " + data(w.data()) + ");";
        }

        @Override
        public String visitThreadDecl(Stmt.ThreadDecl t) {
            return threadDecl(t);
        }

        @Override
        public String visitServerPolicy(Stmt.ServerPolicy p) {
            return "st_policy(" + opcode(p.op().opcode()) + ", " + c(p.path().text()) + ", " + replies.spec(p.reply()) + ");";
        }

        @Override
        public String visitServerLike(Stmt.ServerLike l) {
            return serverLike(l);
        }

        @Override
        public String visitServerHold(Stmt.ServerHold h) {
            return "st_hold(" + opcode(h.op().opcode()) + ", " + h.path().map(w -> c(w.text())).orElse("NULL") + ");";
        }

        @Override
        public String visitServerUnhold(Stmt.ServerUnhold h) {
            return "st_unhold(" + opcode(h.op().opcode()) + ", " + h.path().map(w -> c(w.text())).orElse("NULL") + ");";
        }

        @Override
        public String visitServerReply(Stmt.ServerReply r) {
            return serverReply(r);
        }

        @Override
        public String visitBackingOpen(Stmt.BackingOpen b) {
            return backingOpen(b);
        }

        @Override
        public String visitBackingClose(Stmt.BackingClose b) {
            return "st_backing_close(" + b.id().value() + ", " + outcome(b.outcome()) + ");";
        }

        @Override
        public String visitServerCrash(Stmt.ServerCrash s) {
            return "st_crash();";
        }

        @Override
        public String visitServerFault(Stmt.ServerFault s) {
            throw refuse(s.pos(), "the C reproducer's server writes no faulted reply (server fault): replay it with "
                    + "fusesim kernel replay");
        }

        @Override
        public String visitServerNotify(Stmt.ServerNotify n) {
            return "st_notify(NT_" + n.kind().name() + ", " + c(n.path().text()) + ");";
        }

        @Override
        public String visitCall(Stmt.Call c) {
            return call(c);
        }

        @Override
        public String visitUnfinished(Stmt.Unfinished u) {
            return unfinished(u);
        }

        @Override
        public String visitResumed(Stmt.Resumed r) {
            return resumed(r);
        }

        @Override
        public String visitTick(Stmt.Tick t) {
            return tick(t);
        }

        @Override
        public String visitEvict(Stmt.Evict e) {
            return "st_notify(NT_PRUNE, " + c(e.path().text()) + ");";
        }

        @Override
        public String visitDropCaches(Stmt.DropCaches s) {
            return "st_drop_caches();";
        }

        @Override
        public String visitUmount(Stmt.Umount s) {
            return "st_umount();";
        }

        @Override
        public String visitExpectRequests(Stmt.ExpectRequests e) {
            return CRequestFields.expectRequests(trace, e);
        }

        @Override
        public String visitExpectNo(Stmt.ExpectNo e) {
            return "st_expect_no(" + c(e.opcode().name()) + ");";
        }

        @Override
        public String visitExpectInode(Stmt.ExpectInode s) {
            return refused(s);
        }

        @Override
        public String visitExpectBacking(Stmt.ExpectBacking s) {
            return refused(s);
        }

        @Override
        public String visitExpectFile(Stmt.ExpectFile s) {
            return refused(s);
        }

        @Override
        public String visitExpectConn(Stmt.ExpectConn s) {
            return refused(s);
        }

        private String refused(Stmt s) {
            throw refuse(s.pos(), "the C reproducer cannot express this statement (" + s.getClass().getSimpleName() + ")");
        }
    }

    private String threadDecl(Stmt.ThreadDecl t) {
        int uid = (int) (long) Item.longValue(t.creds(), "uid").orElse(0L);
        int gid = (int) (long) Item.longValue(t.creds(), "gid").orElse(0L);
        declared.put(t.thread().text(), new int[] {uid, gid});
        return "st_nothing();";
    }

    /** The driver slot of trace thread {@code name}: created at first use with the credentials declared so far. */
    private int thread(Stmt s, String name) {
        int[] t = threads.get(name);
        if (t == null) {
            if (threads.size() == MAX_THREADS) {
                throw refuse(s.pos(), "the C reproducer runs at most " + MAX_THREADS + " threads");
            }
            int[] cred = declared.getOrDefault(name, new int[] {0, 0});
            t = new int[] {threads.size(), cred[0], cred[1]};
            threads.put(name, t);
        }
        return t[0];
    }

    /** {@code server like PRESET}: the preset's policies as rules for every path, as KernelReplay installs them. */
    private String serverLike(Stmt.ServerLike l) {
        StringBuilder ops = new StringBuilder("(const int[]){");
        StringBuilder specs = new StringBuilder("(const struct rspec *const[]){");
        List<Stmt.ServerPolicy> policies = l.preset().policies();
        for (Stmt.ServerPolicy p : policies) {
            ops.append(opcode(p.op().opcode())).append(", ");
            specs.append(replies.spec(p.reply())).append(", ");
        }
        return "st_server_like(" + ops + "}, " + specs + "}, " + policies.size() + ");";
    }

    private String serverReply(Stmt.ServerReply r) {
        int t = thread(r, r.thread().text());
        return "st_server_reply(" + t + ", " + c(r.thread().text()) + ", " + opcode(r.op().opcode()) + ", "
                + c(r.op().word()) + ", " + r.reply().map(x -> replies.spec(x)).orElse("NULL") + ");";
    }

    private String backingOpen(Stmt.BackingOpen b) {
        long flags = Item.longValue(b.params(), "flags").orElse(0L);
        long padding = Item.longValue(b.params(), "padding").orElse(0L);
        Optional<Value> ops = Item.get(b.params(), "ops");
        if (ops.isPresent()) {
            // mainline: the series' ops_mask lands in fuse_backing_map.padding (as the Java oracle sends it)
            padding |= ops.get() instanceof Value.Flags f ? f.value() : ((Value.Int) ops.get()).value();
        }
        String target;
        if (b.target() instanceof Stmt.LowerTarget t) {
            target = "BT_LOWER, " + c(t.path().text()) + ", 0";
        } else if (b.target() instanceof Stmt.FdTarget f) {
            target = "BT_FD, NULL, " + f.fd().value();
        } else {
            target = "BT_MOUNT, " + c(((Stmt.MountTarget) b.target()).path()) + ", 0";
        }
        return "st_backing_open(" + target + ", 0x" + Long.toHexString(flags) + "U, 0x" + Long.toHexString(padding)
                + "ULL, " + outcome(b.outcome()) + ");";
    }

    private String call(Stmt.Call s) {
        int t = thread(s, s.thread().text());
        return "st_call(" + t + ", " + sc(s.syscall()) + ", " + args(s, s.syscall(), s.args()) + ", " + outcome(s.outcome())
                + ", " + checks(s.checks()) + ");";
    }

    private final Map<String, Stmt.Unfinished> inProgress = new java.util.HashMap<>();

    private String unfinished(Stmt.Unfinished s) {
        int t = thread(s, s.thread().text());
        inProgress.put(s.thread().text(), s);
        return "st_unfinished(" + t + ", " + sc(s.syscall()) + ", " + args(s, s.syscall(), s.args()) + ");";
    }

    private String resumed(Stmt.Resumed s) {
        int t = thread(s, s.thread().text());
        inProgress.remove(s.thread().text());
        return "st_resumed(" + t + ", " + sc(s.syscall()) + ", " + outcome(s.outcome()) + ", " + checks(s.checks()) + ");";
    }

    private String tick(Stmt.Tick t) {
        if (t.duration().infinite()) {
            return "fail_step(\"tick " + t.duration().text() + " is longer than the kernel replay waits in real time (10 s)\");";
        }
        return "st_tick(" + t.duration().nanos() + "L);";
    }

    // ------------------------------------------------------------------ values

    private static String sc(Syscall s) {
        return "SC_" + (s == Syscall.CREAT ? "OPEN" : s.name());
    }

    /** The syscall's arguments as the C driver takes them ({@code struct targs}), as KernelReplay.args maps them. */
    private String args(Stmt s, Syscall sc, List<Value> a) {
        List<String> str = new ArrayList<>();
        List<Long> num = new ArrayList<>();
        for (Value v : a) {
            if (v instanceof Value.Str x) {
                str.add(c(x.value()));
            } else if (v instanceof Value.Int i) {
                num.add(i.value());
            } else if (v instanceof Value.Flags f) {
                num.add(f.value());
            } else if (v instanceof Value.Iov iov) {
                str.add(c(iov.joined())); // preadv/pwritev: the runtime's do_vector splits "4,4"
            } else if (v instanceof Value.Times tm) {
                str.add(c(tm.encoded())); // utimensat/futimens: the runtime's times_of reads "now,omit"
            } else if (v instanceof Value.Sym m) {
                if (!m.name().matches("m[0-9]{1,4}")) {
                    throw refuse(s.pos(), "the C reproducer names mappings m1..m9999, found " + m.name());
                }
                num.add(Long.parseLong(m.name().substring(1)));
            } else {
                throw refuse(s.pos(), "the C reproducer cannot pass argument " + v);
            }
        }
        if (sc == Syscall.CREAT) {
            num.add(0, 0101L | 01000L); // O_CREAT | O_WRONLY | O_TRUNC
        } else if (sc == Syscall.OPEN && num.size() == 1) {
            num.add(0644L);
        }
        while (str.size() < 2) {
            str.add("NULL");
        }
        StringBuilder b = new StringBuilder("&(const struct targs){").append(str.get(0)).append(", ").append(str.get(1))
                .append(", {");
        for (long n : num) {
            b.append(lit(n)).append(", ");
        }
        return b.append("}}").toString();
    }

    private static String outcome(Outcome o) {
        String text = c(TracePrinter.outcome(o));
        if (o instanceof Outcome.Returns r) {
            // a read's stated bytes: the C compares them as KernelReplay.dataVerdict does
            String bytes = r.data() == null ? "NULL, 0L" : data(r.data());
            return "&(const struct outcome){OUT_RET, " + lit(r.value().value()) + ", 0, " + text + ", " + bytes + "}";
        } else if (o instanceof Outcome.Fails f) {
            return "&(const struct outcome){OUT_FAIL, 0, " + f.errno().errno().number() + ", " + text + "}";
        } else if (o instanceof Outcome.Maps) {
            return "&(const struct outcome){OUT_MAP, 0, 0, " + text + "}";
        }
        return "&(const struct outcome){OUT_ANY, 0, 0, " + text + "}";
    }

    private static final List<String> STAT_KEYS = List.of("ino", "size", "mode", "nlink", "uid", "gid", "blocks", "mtime", "ctime");

    private String checks(List<Item> checks) {
        if (checks.isEmpty()) {
            return "NULL, 0";
        }
        StringBuilder b = new StringBuilder("(const struct check[]){");
        for (Item i : checks) {
            String text = c(i.key() + "=" + TracePrinter.value(i.value(), "|"));
            if (i.key().equals("names")) {
                b.append("{0, 0, ").append(text).append(", ")
                        .append(c(String.join(",", ((Value.Names) i.value()).names()))).append("}, ");
            } else {
                b.append("{ST_").append(i.key().toUpperCase(Locale.ROOT)).append(", ")
                        .append(lit(((Value.Int) i.value()).value())).append(", ").append(text).append(", NULL}, ");
            }
            if (!i.key().equals("names") && !STAT_KEYS.contains(i.key())) {
                throw refuse(i.pos(), "the C reproducer cannot check " + i.key());
            }
        }
        return b.append("}, ").append(checks.size()).toString();
    }

    private static String opcode(fusesim.model.Opcode op) {
        return Integer.toString(op.number());
    }

    private TraceSemanticError refuse(Pos pos, String message) {
        return TraceSemanticError.at(trace, pos, message);
    }

}
