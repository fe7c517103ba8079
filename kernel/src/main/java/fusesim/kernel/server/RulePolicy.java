package fusesim.kernel.server;

import fusesim.kernel.proto.Opcode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trace's {@code server <op> <path> <reply>} lines: a rule per (opcode, path) that stays until
 * replaced; a rule with path {@code null} applies to every path. Exact path rules win.
 */
public final class RulePolicy implements Policy {
    private record Key(Opcode op, String path) {}

    private final Map<Key, Reply> rules = new ConcurrentHashMap<>();

    /** Sets (or replaces) the rule; {@code path == null} means any path. */
    public void set(Opcode op, String path, Reply reply) {
        rules.put(new Key(op, path == null ? "*" : path), reply);
    }

    public void clear(Opcode op, String path) {
        rules.remove(new Key(op, path == null ? "*" : path));
    }

    @Override
    public Reply decide(Request r) {
        Reply exact = r.path() == null ? null : rules.get(new Key(r.op(), r.path()));
        return exact != null ? exact : rules.getOrDefault(new Key(r.op(), "*"), Reply.DEFAULT);
    }
}
