package fusesim.kernel.server;

import fusesim.kernel.proto.WireOpcode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trace's {@code server <op> <path> <reply>} lines: a rule per (opcode, path) that stays until
 * replaced; a rule with path {@code null} applies to every path. Exact path rules win.
 */
public final class RulePolicy implements Policy {
    private record Key(WireOpcode op, String path) {}

    private final Map<Key, Answer> rules = new ConcurrentHashMap<>();

    /** Sets (or replaces) the rule; {@code path == null} means any path. */
    public void set(WireOpcode op, String path, Answer reply) {
        rules.put(new Key(op, path == null ? "*" : path), reply);
    }

    public void clear(WireOpcode op, String path) {
        rules.remove(new Key(op, path == null ? "*" : path));
    }

    @Override
    public Answer decide(Request r) {
        Answer exact = r.path() == null ? null : rules.get(new Key(r.op(), r.path()));
        return exact != null ? exact : rules.getOrDefault(new Key(r.op(), "*"), Answer.DEFAULT);
    }
}
