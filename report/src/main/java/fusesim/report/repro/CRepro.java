package fusesim.report.repro;

import fusesim.model.Errno;
import fusesim.model.Opcode;
import fusesim.model.fuse.RequestFields;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.ReplyKind;
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
        out.append(runtime().replace("/*@ERRNO_NAMES@*/", errnoTable()).replace("/*@REQUEST_FIELDS@*/", fieldTable()));
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
            return mount(m);
        }

        @Override
        public String visitLowerNode(Stmt.LowerNode n) {
            return lowerNode(n);
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
            return lowerSet(ls);
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
            return expectRequests(e);
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

    private String mount(Stmt.Mount m) {
        long flags = (1L << 5) | (1L << 22); // BIG_WRITES | MAX_PAGES, as ServerConfig.requestedFlags
        boolean initExt = true;
        boolean parallelDirops = !m.has(MountOption.NO_PARALLEL_DIROPS);
        int minor = 45;
        int depth = 1;
        int maxWrite = 131072;
        int initError = 0;
        boolean defaultPermissions = false;
        List<String> enosys = new ArrayList<>();
        for (Stmt.MountArg a : m.options()) {
            Optional<Value> val = a.value();
            switch (a.option()) {
                case PASSTHROUGH -> flags |= 1L << 37;
                case PASSTHROUGH_INO -> flags |= (1L << 43) | (1L << 37);
                case WRITEBACK_CACHE -> flags |= 1L << 16;
                case NO_INIT_EXT -> initExt = false;
                case MAX_STACK_DEPTH -> depth = (int) ((Value.Int) val.get()).value();
                case MINOR -> minor = (int) ((Value.Int) val.get()).value();
                case DIRECT_IO_ALLOW_MMAP -> flags |= 1L << 36;
                case PARALLEL_DIROPS, ALLOW_OTHER, NO_PARALLEL_DIROPS -> { }
                case READDIRPLUS -> flags |= 1L << 13;
                case READDIRPLUS_AUTO -> flags |= (1L << 14) | (1L << 13);
                case HANDLE_KILLPRIV -> flags |= 1L << 19;
                case HANDLE_KILLPRIV_V2 -> flags |= 1L << 28;
                case AUTO_INVAL_DATA -> flags |= 1L << 12;
                case EXPLICIT_INVAL_DATA -> flags |= 1L << 25;
                case ATOMIC_O_TRUNC -> flags |= 1L << 3;
                case DEFAULT_PERMISSIONS -> defaultPermissions = true;
                case NO_OPEN -> enosys.add("OP_OPEN");
                case NO_OPENDIR -> enosys.add("OP_OPENDIR");
                case NO_FLUSH -> enosys.add("OP_FLUSH");
                case INIT_ERROR -> initError = ((Value.Err) val.get()).errno().number();
                case MAX_WRITE -> maxWrite = (int) ((Value.Int) val.get()).value();
            }
        }
        flags |= initExt ? 1L << 30 : 0;
        flags |= parallelDirops ? 1L << 18 : 0;
        enosys.add("0");
        return "st_mount(&(const struct mountcfg){.flags = 0x" + Long.toHexString(flags) + "ULL, .minor = " + minor
                + ", .max_stack_depth = " + depth + ", .max_write = " + maxWrite + ", .init_error = " + initError
                + ", .allow_other = 1, .default_permissions = " + (defaultPermissions ? 1 : 0) + ", .enosys = {"
                + String.join(", ", enosys) + "}});";
    }

    private String lowerNode(Stmt.LowerNode n) {
        List<Item> a = n.attrs();
        String type = switch (n.type()) {
            case FILE -> "S_IFREG";
            case DIR -> "S_IFDIR";
            case CHR -> "S_IFCHR";
            case FIFO -> "S_IFIFO";
        };
        long mode = Item.longValue(a, "mode").orElse(n.type() == Stmt.NodeType.DIR ? 0755L : 0644L);
        Optional<Item> data = Item.find(a, "data");
        if (data.isPresent() && n.type() != Stmt.NodeType.FILE) {
            throw refuse(data.get().pos(), "the C reproducer writes data= only into a lower file (as the kernel oracle)");
        }
        return "st_lower(" + c(n.path().text()) + ", " + type + ", " + lit(Item.longValue(a, "size").orElse(0L)) + ", 0"
                + Long.toOctalString(mode) + ", " + Item.longValue(a, "uid").orElse(0L) + ", "
                + Item.longValue(a, "gid").orElse(0L) + ", " + Item.longValue(a, "ino").orElse(-1L) + ", "
                + overrides(a) + ", " + Item.longValue(a, "stack_depth").orElse(0L) + ", " + dataInOrder(a) + ");";
    }

    private String lowerSet(Stmt.LowerSet ls) {
        List<Item> a = ls.attrs();
        long sizeBefore = sizeAfterData(a) ? -1L : Item.longValue(a, "size").orElse(-1L);
        return "st_lower_set(" + c(ls.path().text()) + ", " + sizeBefore + ", "
                + Item.longValue(a, "mode").orElse(-1L) + ", " + Item.longValue(a, "uid").orElse(-1L) + ", "
                + Item.longValue(a, "gid").orElse(-1L) + ", " + Item.longValue(a, "ino").orElse(-1L) + ", "
                + overrides(a) + ", " + dataInOrder(a) + ");";
    }

    /**
     * {@code data="..."} as the C's {@code data, dlen, size_after}: the bytes (dlen -1 without data=)
     * and a {@code size=} written after it, which resizes the file after the data is written, as
     * KernelReplay.dataInOrder and the model's World.setAttrs apply attributes in order.
     */
    private static String dataInOrder(List<Item> a) {
        Optional<Value> d = Item.get(a, "data");
        if (d.isEmpty()) {
            return "NULL, -1L, -1L";
        }
        long after = sizeAfterData(a) ? Item.longValue(a, "size").orElse(-1L) : -1L;
        return data((Value.Data) d.get()) + ", " + lit(after);
    }

    private static boolean sizeAfterData(List<Item> a) {
        int data = -1;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).key().equals("data")) {
                data = i;
            } else if (a.get(i).key().equals("size")) {
                return data >= 0;
            }
        }
        return false;
    }

    /** File bytes as a C string literal and its length: {@code "ab\000", 3L} (each char one byte). */
    static String data(Value.Data d) {
        return cBytes(d.bytes()) + ", " + lit(d.bytes().length());
    }

    /** The attributes a real file cannot carry (nlink, atime, mtime, ctime, generation): has[] and values. */
    private static String overrides(List<Item> a) {
        StringBuilder has = new StringBuilder("(const int[]){");
        StringBuilder val = new StringBuilder("(const long[]){");
        for (String k : List.of("nlink", "atime", "mtime", "ctime", "generation")) {
            Optional<Long> v = Item.longValue(a, k);
            has.append(v.isPresent() ? 1 : 0).append(", ");
            val.append(lit(v.orElse(0L))).append(", ");
        }
        return has.append("}").toString() + ", " + val.append("}");
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

    /**
     * The in-struct fields the C runtime decodes ({@code req_values}, the twin of the Java oracle's
     * Request.fields()), by opcode: every stateable field of the catalog (RequestFields); the C
     * renders them by the {@code REQ_FIELDS} table written from the catalog ({@link #fieldTable}).
     * A field the catalog gains is refused here until req_values decodes it (CReproStatementsTest
     * compares this map with the catalog).
     */
    static final Map<Opcode, List<String>> DECODED = decoded();

    private static Map<Opcode, List<String>> decoded() {
        Map<Opcode, List<String>> m = new java.util.EnumMap<>(Opcode.class);
        List<String> open = List.of("flags", "open_flags");
        List<String> read = List.of("fh", "offset", "size", "read_flags", "flags");
        List<String> release = List.of("fh", "flags", "release_flags");
        List<String> fsync = List.of("fh", "fsync_flags");
        m.put(Opcode.OPEN, open);
        m.put(Opcode.OPENDIR, open);
        m.put(Opcode.CREATE, List.of("flags", "mode", "umask", "open_flags"));
        m.put(Opcode.MKNOD, List.of("rdev", "umask"));
        m.put(Opcode.MKDIR, List.of("mode", "umask"));
        m.put(Opcode.READ, read);
        m.put(Opcode.READDIR, read);
        m.put(Opcode.READDIRPLUS, read);
        m.put(Opcode.WRITE, List.of("fh", "offset", "size", "write_flags", "flags"));
        m.put(Opcode.RELEASE, release);
        m.put(Opcode.RELEASEDIR, release);
        m.put(Opcode.FLUSH, List.of("fh"));
        m.put(Opcode.FSYNC, fsync);
        m.put(Opcode.FSYNCDIR, fsync);
        m.put(Opcode.GETATTR, List.of("getattr_flags", "fh"));
        m.put(Opcode.SETATTR, List.of("valid", "fh", "size", "mode", "uid", "gid"));
        m.put(Opcode.LSEEK, List.of("fh", "offset", "whence"));
        m.put(Opcode.FALLOCATE, List.of("fh", "offset", "length", "mode"));
        m.put(Opcode.ACCESS, List.of("mask"));
        m.put(Opcode.GETXATTR, List.of("name", "size"));
        m.put(Opcode.REMOVEXATTR, List.of("name"));
        m.put(Opcode.LISTXATTR, List.of("size"));
        m.put(Opcode.SETXATTR, List.of("name", "size", "flags"));
        m.put(Opcode.RENAME, List.of("newdir"));
        m.put(Opcode.RENAME2, List.of("newdir", "flags"));
        m.put(Opcode.STATX, List.of("getattr_flags", "fh", "sx_flags", "sx_mask"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The C {@code REQ_FIELDS} table: per decoded opcode its catalog fields in struct order, with
     * kind, vocabulary and controlling flag, so that the C renders a field exactly as
     * RequestFields.render does (the one catalog, not a second copy written by hand).
     */
    static String fieldTable() {
        StringBuilder vocabs = new StringBuilder();
        StringBuilder rows = new StringBuilder("static const struct fdesc REQ_FIELDS[] = {\n");
        Map<RequestFields.Vocab, String> names = new java.util.IdentityHashMap<>();
        for (Map.Entry<Opcode, List<String>> e : DECODED.entrySet()) {
            RequestFields.Struct st = RequestFields.of(e.getKey()).orElseThrow();
            for (RequestFields.Field f : st.fields()) {
                if (!e.getValue().contains(f.name())) {
                    continue;
                }
                String vocab = "NULL";
                if (f.vocab() != null) {
                    vocab = names.computeIfAbsent(f.vocab(), v -> vocab(vocabs, "V" + names.size(), v));
                }
                rows.append("    {").append(e.getKey().number()).append(", ").append(c(f.name())).append(", FK_")
                        .append(f.kind().name()).append(", ").append(vocab).append(", ")
                        .append(f.vocab() != null && f.vocab().accmode() ? 1 : 0).append(", ")
                        .append(f.when() == null ? "NULL" : c(f.when())).append(", 0x")
                        .append(Long.toHexString(f.whenBit())).append("ULL},\n");
            }
        }
        return vocabs.append(rows).append("};\n").toString();
    }

    private static String vocab(StringBuilder out, String name, RequestFields.Vocab v) {
        out.append("static const struct fvocab ").append(name).append("[] = {");
        for (Map.Entry<String, Long> e : v.names()) {
            out.append("{").append(c(e.getKey())).append(", 0x").append(Long.toHexString(e.getValue())).append("ULL}, ");
        }
        out.append("{NULL, 0}};\n");
        return name;
    }

    /**
     * {@code expect requests}: the requests in KernelReplay's canonical form, compared as
     * Requests.matches does (the C's {@code covers}); a stated field the C does not decode is refused.
     */
    private String expectRequests(Stmt.ExpectRequests e) {
        Optional<Stmt.ReqField> f = undecoded(e, DECODED);
        if (f.isPresent()) {
            Opcode op = e.requests().stream().filter(q -> q.fields().contains(f.get())).findFirst().orElseThrow().opcode();
            throw refuse(f.get().pos(), "the C reproducer cannot compare the field " + f.get().name() + " of " + op
                    + " (it decodes " + decodedText(op) + ")");
        }
        List<String> want = e.requests().stream().map(TracePrinter::canonicalRequest).toList();
        StringBuilder b = new StringBuilder("st_expect_requests((const char *const[]){");
        for (String w : want) {
            b.append(c(w)).append(", ");
        }
        return b.append("NULL}, ").append(c(String.join(" ", want))).append(");").toString();
    }

    /** The first field {@code e} states that {@code decoded} does not have for its opcode. */
    static Optional<Stmt.ReqField> undecoded(Stmt.ExpectRequests e, Map<Opcode, List<String>> decoded) {
        for (Stmt.Request q : e.requests()) {
            for (Stmt.ReqField f : q.fields()) {
                if (!decoded.getOrDefault(q.opcode(), List.of()).contains(f.name())) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    private static String decodedText(Opcode op) {
        List<String> f = DECODED.getOrDefault(op, List.of());
        return f.isEmpty() ? "no field of " + op : String.join(", ", f);
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

    /** A C integer literal of a 64-bit value (LONG_MIN has no literal of its own). */
    static String lit(long v) {
        return v == Long.MIN_VALUE ? "(-9223372036854775807L - 1)" : v + "L";
    }

    /** A C string literal: printable ASCII as is, the rest as 3-digit octal escapes. */
    static String c(String s) {
        return cBytes(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    /** A C string literal of bytes given as a latin-1 string (one char per byte, 0..255). */
    static String cBytes(String latin1) {
        StringBuilder b = new StringBuilder("\"");
        for (char x : latin1.toCharArray()) {
            int ch = x & 0xff;
            if (ch == '"' || ch == '\\') {
                b.append('\\').append((char) ch);
            } else if (ch == '?') {
                b.append("\\?"); // no trigraphs
            } else if (ch >= 0x20 && ch < 0x7f) {
                b.append((char) ch);
            } else {
                b.append(String.format("\\%03o", ch));
            }
        }
        return b.append('"').toString();
    }
}
