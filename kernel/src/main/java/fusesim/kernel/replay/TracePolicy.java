package fusesim.kernel.replay;

import fusesim.kernel.proto.Dirent;
import fusesim.kernel.proto.ReadIn;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.Answer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.Policy;
import fusesim.kernel.server.Request;
import fusesim.kernel.server.ServerConfig;
import fusesim.model.Errno;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The trace's server, as the model's {@code Server} answers: {@code server hold} keys are checked
 * first (a held request waits for {@code server reply}); then the {@code server OP PATH REPLY} policy
 * for the request's path; then the default passthrough_hp-like answer. Trace replies become
 * {@link Answer.Patch}es over the default answer, or complete answers where the default cannot serve
 * (negative entries, data of a given size, directory listings by name).
 */
final class TracePolicy implements Policy {
    private record Key(WireOpcode op, String path) {}

    private final Map<Key, fusesim.traces.lang.ReplyClause> rules = new ConcurrentHashMap<>();
    private final List<Key> holds = new CopyOnWriteArrayList<>();
    private final Set<WireOpcode> enosys = ConcurrentHashMap.newKeySet();
    private final LowerTree tree;

    TracePolicy(LowerTree tree) {
        this.tree = tree;
    }

    static WireOpcode opcode(fusesim.model.Opcode op) {
        return WireOpcode.valueOf(op.name());
    }

    /** {@code server OP PATH REPLY} (a null path: every path); {@code default} removes the rule. */
    void rule(WireOpcode op, String path, fusesim.traces.lang.ReplyClause reply) {
        Key k = new Key(op, path);
        if (reply instanceof fusesim.traces.lang.ReplyClause.Default) {
            rules.remove(k);
        } else {
            rules.put(k, reply);
        }
    }

    /** {@code no_open}, {@code no_opendir}, {@code no_flush}: the server does not implement OP. */
    void enosys(WireOpcode op) {
        enosys.add(op);
    }

    void hold(WireOpcode op, String path) {
        holds.add(new Key(op, path));
    }

    void unhold(WireOpcode op, String path) {
        holds.remove(new Key(op, path));
    }

    @Override
    public Answer decide(Request r) {
        for (Key h : holds) {
            if (h.op == r.op() && (h.path == null || h.path.equals(r.path()))) {
                return Answer.HOLD;
            }
        }
        return answer(r, null);
    }

    /** The answer to {@code r}: {@code spec}, or (null) the policy for it, or the default. */
    Answer answer(Request r, fusesim.traces.lang.ReplyClause spec) {
        if (spec == null) {
            spec = r.path() == null ? null : rules.get(new Key(r.op(), r.path()));
        }
        if (spec == null) {
            spec = rules.get(new Key(r.op(), null)); // server like PRESET: every path
        }
        if (spec == null) {
            return enosys.contains(r.op()) ? Answer.error(Errno.ENOSYS.value) : Answer.DEFAULT;
        }
        return convert(r, spec);
    }

    /**
     * READDIRPLUS records take the fields of the name's {@code server lookup P entry ...} policy, as the
     * model's server makes them; an error or negative policy gives the default entry.
     */
    @Override
    public Map<String, Long> lookupEntryFields(String path) {
        fusesim.traces.lang.ReplyClause spec = rules.get(new Key(WireOpcode.LOOKUP, path));
        return spec instanceof fusesim.traces.lang.ReplyClause.Fields f
                && f.kind() == fusesim.traces.lang.ReplyKind.ENTRY ? entryPatch(f.items()) : null;
    }

    private Answer convert(Request r, fusesim.traces.lang.ReplyClause spec) {
        if (spec instanceof fusesim.traces.lang.ReplyClause.Default) {
            return Answer.DEFAULT;
        }
        if (spec instanceof fusesim.traces.lang.ReplyClause.Fails f) {
            return Answer.error(f.errno().errno().number());
        }
        if (r.op() == WireOpcode.READDIRPLUS) {
            return Answer.DEFAULT; // the model's server lists the directory whatever the reply fields (Server.readdirplus)
        }
        if (spec instanceof fusesim.traces.lang.ReplyClause.Open o) {
            Map<String, Long> p = new HashMap<>();
            p.put("open_flags", o.flags().value());
            Item.longValue(o.items(), "backing").ifPresent(v -> p.put("backing", v));
            Item.longValue(o.items(), "fh").ifPresent(v -> p.put("fh", v));
            return Answer.patch(p);
        }
        fusesim.traces.lang.ReplyClause.Fields f = (fusesim.traces.lang.ReplyClause.Fields) spec;
        List<Item> items = f.items();
        return switch (f.kind()) {
            case ENTRY -> Answer.patch(entryPatch(items));
            case NEGATIVE -> {
                Map<String, Long> p = new HashMap<>();
                p.put("nodeid", 0L);
                time(p, "entry_valid", Item.get(items, "entry_valid").orElse(null));
                yield Answer.patch(p);
            }
            case ATTR -> Answer.patch(attrPatch(items));
            case OK -> Answer.OK;
            // without size=, data and written are the default answer, as the model's Server gives
            // them (the lower file's bytes from the offset; the whole write): not zero bytes
            case DATA -> Item.longValue(items, "size").map(n -> data(r, n)).orElse(Answer.DEFAULT);
            case WRITTEN -> Item.longValue(items, "size").<Answer>map(n -> Answer.patch(Map.of("size", n)))
                    .orElse(Answer.DEFAULT);
            case DIRENTS -> dirents(r, Item.get(items, "names").map(v -> ((Value.Names) v).names()).orElse(List.of()));
            case OPEN -> throw new IllegalStateException("open replies are ReplyClause.Open");
            case XATTR -> xattr(r, Item.longValue(items, "size").orElse(0L));
            case SEEK -> {
                java.nio.ByteBuffer b = fusesim.kernel.proto.Wire.allocate(8);
                b.putLong(Item.longValue(items, "offset").orElse(0L)); // fuse_lseek_out
                yield new Answer.Raw(0, b.array());
            }
            case IGNORED -> new Answer.AttrNotApplied(attrPatch(items));
        };
    }

    /**
     * {@code xattr size=N}, as the model's server answers: fuse_getxattr_out{N} to a request of size
     * 0, N bytes to one of at least N, ERANGE to a smaller one.
     */
    private static Answer xattr(Request r, long n) {
        long size = r.body() instanceof fusesim.kernel.proto.GetxattrIn g ? Integer.toUnsignedLong(g.size()) : 0;
        if (size == 0) {
            java.nio.ByteBuffer b = fusesim.kernel.proto.Wire.allocate(8);
            b.putInt((int) n).putInt(0); // fuse_getxattr_out
            return new Answer.Raw(0, b.array());
        }
        return n <= size ? new Answer.Data(new byte[(int) n]) : Answer.error(Errno.ERANGE.value);
    }

    private static Map<String, Long> entryPatch(List<Item> items) {
        Map<String, Long> p = new HashMap<>();
        for (Item i : items) {
            switch (i.key()) {
                case "entry_valid", "attr_valid" -> time(p, i.key(), i.value());
                case "open" -> p.put("open_flags", ((Value.Flags) i.value()).value());
                default -> p.put(i.key(), Value.number(i.value()));
            }
        }
        return p;
    }

    private static Map<String, Long> attrPatch(List<Item> items) {
        Map<String, Long> p = new HashMap<>();
        for (Item i : items) {
            switch (i.key()) {
                case "attr_valid" -> time(p, i.key(), i.value());
                case "ino" -> p.put("attr_ino", Value.number(i.value()));
                default -> p.put(i.key(), Value.number(i.value()));
            }
        }
        return p;
    }


    /** A TIME as seconds + nanoseconds fields; {@code inf} is {@link ServerConfig#INF} seconds. */
    private static void time(Map<String, Long> p, String key, Value v) {
        if (v == null) {
            return;
        }
        Value.Time t = (Value.Time) v;
        if (t.infinite()) {
            p.put(key, ServerConfig.INF);
            p.put(key + "_nsec", 0L);
        } else {
            p.put(key, t.nanos() / 1_000_000_000L);
            p.put(key + "_nsec", t.nanos() % 1_000_000_000L);
        }
    }

    /** {@code data size=N}: N bytes of the lower file pattern from the request's offset. */
    private static Answer data(Request r, long size) {
        long off = r.body() instanceof ReadIn in ? in.offset() : 0;
        return new Answer.Data(LowerTree.pattern(off, (int) size));
    }

    /** {@code dirents names=a,b}: exactly these entries (offsets 1..n), from the request's offset. */
    private Answer dirents(Request r, List<String> names) {
        ReadIn in = (ReadIn) r.body();
        List<Dirent> all = new ArrayList<>();
        for (String n : names) {
            long ino = 1000 + all.size();
            if (r.path() != null && !n.equals(".") && !n.equals("..")) {
                try {
                    String child = LowerTree.child(r.path(), n);
                    ino = tree.nodeidOf(tree.stat(child), child);
                } catch (IllegalStateException missing) {
                    // a name the lower tree does not have: any ino
                }
            } else if (n.equals(".") || n.equals("..")) {
                ino = 1;
            }
            all.add(new Dirent(ino, all.size() + 1, 8, n));
        }
        int from = (int) Math.min(in.offset(), all.size());
        return new Answer.Data(Dirent.pack(all.subList(from, all.size()), in.size()));
    }
}
