package fusesim.report.repro;

import fusesim.traces.lang.Item;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server replies of a C reproducer: each trace reply ({@code server OP PATH REPLY},
 * {@code server reply}, a {@code server like} preset's policies) as a {@code struct rspec} table
 * entry, converted as the kernel oracle's TracePolicy.convert does: an errno, the default, a patch
 * of the default answer ({@code entry}, {@code attr}, open flags, {@code written size=},
 * {@code negative}), {@code ok}, {@code data size=}, {@code dirents names=}, {@code xattr size=},
 * {@code seek offset=}. A reply key or kind the C runtime has no field for is refused with
 * FILE:LINE:COL.
 */
final class CReplies {
    private final Trace trace;
    private final StringBuilder tables = new StringBuilder();
    private int count;

    CReplies(Trace trace) {
        this.trace = trace;
    }

    /** The {@code static const struct rspec} definitions written so far. */
    String tables() {
        return tables.toString();
    }

    /** One {@code struct rspec} under construction. */
    private static final class Spec {
        String kind = "RS_PATCH";
        int err;
        boolean entry;
        long size = -1;
        List<String> names = List.of();
        final Map<String, Long> patch = new LinkedHashMap<>();
    }

    /** Writes the table entry of {@code r}; returns its address ({@code &R3}). */
    String spec(ReplyClause r) {
        Spec s = new Spec();
        if (r instanceof ReplyClause.Default) {
            s.kind = "RS_DEFAULT";
        } else if (r instanceof ReplyClause.Fails f) {
            s.kind = "RS_ERR";
            s.err = f.errno().errno().number();
        } else if (r instanceof ReplyClause.Open o) {
            open(s, o);
        } else {
            fields(s, (ReplyClause.Fields) r);
        }
        String name = "R" + (++count);
        tables.append(table(name, s));
        return "&" + name;
    }

    private void open(Spec s, ReplyClause.Open o) {
        s.patch.put("OPEN_FLAGS", o.flags().value());
        for (Item i : o.items()) {
            switch (i.key()) {
                case "backing" -> s.patch.put("BACKING", ((Value.Int) i.value()).value());
                case "fh" -> s.patch.put("FH", ((Value.Int) i.value()).value());
                default -> throw refuse(i.pos(), "the C reproducer cannot send open reply key " + i.key());
            }
        }
    }

    private void fields(Spec s, ReplyClause.Fields f) {
        List<Item> items = f.items();
        switch (f.kind()) {
            case ENTRY -> entry(s, items);
            case NEGATIVE -> {
                s.patch.put("NODEID", 0L);
                Item.get(items, "entry_valid").ifPresent(v -> time(s.patch, "entry_valid", (Value.Time) v));
            }
            case ATTR -> attr(s, items);
            case OK -> s.kind = "RS_OK";
            case DATA -> {
                Optional<Long> n = Item.longValue(items, "size");
                s.kind = n.isPresent() ? "RS_DATA" : "RS_DEFAULT";
                s.size = n.orElse(-1L);
            }
            case WRITTEN -> {
                Optional<Long> n = Item.longValue(items, "size");
                s.kind = n.isPresent() ? "RS_PATCH" : "RS_DEFAULT";
                n.ifPresent(v -> s.patch.put("SIZE", v));
            }
            case XATTR -> { // TracePolicy.xattr
                s.kind = "RS_XATTR";
                s.size = Item.longValue(items, "size").orElse(0L);
            }
            case SEEK -> { // fuse_lseek_out{offset}
                s.kind = "RS_SEEK";
                s.size = Item.longValue(items, "offset").orElse(0L);
            }
            case DIRENTS -> dirents(s, f);
            default -> throw refuse(f.pos(), "the C reproducer cannot send a " + f.kind() + " reply");
        }
    }

    private void entry(Spec s, List<Item> items) {
        s.entry = true;
        for (Item i : items) {
            switch (i.key()) {
                case "entry_valid", "attr_valid" -> time(s.patch, i.key(), (Value.Time) i.value());
                case "open" -> s.patch.put("OPEN_FLAGS", ((Value.Flags) i.value()).value());
                case "ino", "nodeid", "generation", "mode", "size", "uid", "gid", "nlink", "backing", "fh" ->
                    s.patch.put(i.key().toUpperCase(Locale.ROOT), Value.number(i.value()));
                // the series' entry2 replies (statx_mask: v2 10/21 and 12/21; new_backing: 14/21;
                // open_backing: 15/21), sent only where the kernel offers FUSE_PASSTHROUGH_INO: on a
                // mainline kernel the reproducer skips before it needs them
                case "statx_mask", "open_backing", "new_backing" ->
                    s.patch.put(i.key().toUpperCase(Locale.ROOT), Value.number(i.value()));
                default -> throw refuse(i.pos(), "the C reproducer cannot send entry reply key " + i.key()
                        + " (the kernel oracle has no such reply field either)");
            }
        }
    }

    private void attr(Spec s, List<Item> items) {
        for (Item i : items) {
            switch (i.key()) {
                case "attr_valid" -> time(s.patch, i.key(), (Value.Time) i.value());
                case "ino" -> s.patch.put("ATTR_INO", Value.number(i.value()));
                case "mode", "size", "uid", "gid", "nlink", "mtime", "ctime" ->
                    s.patch.put(i.key().toUpperCase(Locale.ROOT), Value.number(i.value()));
                default -> throw refuse(i.pos(), "the C reproducer cannot send attr reply key " + i.key());
            }
        }
    }

    private void dirents(Spec s, ReplyClause.Fields f) {
        s.kind = "RS_DIRENTS";
        s.names = Item.get(f.items(), "names").map(v -> ((Value.Names) v).names()).orElse(List.of());
        if (s.names.size() > 63) {
            throw refuse(f.pos(), "the C reproducer lists at most 63 names");
        }
    }

    private static String table(String name, Spec s) {
        StringBuilder b = new StringBuilder("static const struct rspec ").append(name).append(" = {.kind = ").append(s.kind)
                .append(", .err = ").append(s.err).append(", .is_entry = ").append(s.entry ? 1 : 0).append(", .size = ")
                .append(s.size).append(", .has = {");
        for (String k : s.patch.keySet()) {
            b.append("[K_").append(k).append("] = 1, ");
        }
        b.append("}, .val = {");
        for (Map.Entry<String, Long> e : s.patch.entrySet()) {
            b.append("[K_").append(e.getKey()).append("] = ").append(CLiterals.lit(e.getValue())).append(", ");
        }
        b.append("}, .names = {");
        for (String n : s.names) {
            b.append(CLiterals.c(n)).append(", ");
        }
        return b.append("NULL}};\n").toString();
    }


    /** A TIME as seconds + nanoseconds fields; {@code inf} is INT_MAX seconds (ServerConfig.INF). */
    private static void time(Map<String, Long> p, String key, Value.Time t) {
        String k = key.toUpperCase(Locale.ROOT);
        if (t.infinite()) {
            p.put(k, (long) Integer.MAX_VALUE);
            p.put(k + "_NSEC", 0L);
        } else {
            p.put(k, t.nanos() / 1_000_000_000L);
            p.put(k + "_NSEC", t.nanos() % 1_000_000_000L);
        }
    }

    private TraceSemanticError refuse(Pos pos, String message) {
        return TraceSemanticError.at(trace, pos, message);
    }
}
