package fusesim.report.repro;

import fusesim.model.Opcode;
import fusesim.model.fuse.RequestFields;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static fusesim.report.repro.CLiterals.c;

/**
 * The request fields the C reproducer compares: which in-struct fields its runtime decodes, the
 * {@code REQ_FIELDS} table it renders them by (written from the one catalog, RequestFields), and
 * {@code expect requests} as C, refused where it states a field the C does not decode.
 */
final class CRequestFields {
    private CRequestFields() {}

    /**
     * The in-struct fields the C runtime decodes ({@code req_values}, the twin of the Java oracle's
     * Request.fields()), by opcode: every stateable field of the catalog (RequestFields); the C
     * renders them by the {@code REQ_FIELDS} table written from the catalog ({@link #fieldTable}).
     * A field the catalog gains is refused here until req_values decodes it (CReproStatementsTest
     * compares this map with the catalog).
     */
    static final Map<Opcode, List<String>> DECODED = decoded();

    static Map<Opcode, List<String>> decoded() {
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

    static String vocab(StringBuilder out, String name, RequestFields.Vocab v) {
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
    static String expectRequests(Trace trace, Stmt.ExpectRequests e) {
        Optional<Stmt.ReqField> f = undecoded(e, DECODED);
        if (f.isPresent()) {
            Opcode op = e.requests().stream().filter(q -> q.fields().contains(f.get())).findFirst().orElseThrow().opcode();
            throw TraceSemanticError.at(trace, f.get().pos(), "the C reproducer cannot compare the field " + f.get().name() + " of " + op
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

    static String decodedText(Opcode op) {
        List<String> f = DECODED.getOrDefault(op, List.of());
        return f.isEmpty() ? "no field of " + op : String.join(", ", f);
    }
}
