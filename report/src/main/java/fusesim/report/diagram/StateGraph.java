package fusesim.report.diagram;

import fusesim.explore.ModelEncoder;
import fusesim.model.Kernel;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A state machine computed by exploring the model, not drawn by hand: breadth-first over the full
 * model (a state is its path of trace statements, re-run from the world on a fresh model, deduplicated
 * exactly by {@link ModelEncoder}), every move of a small alphabet ({@link Diagrams}), each state
 * projected to a label (the io mode of an inode, a fuse_backing's lifetime, ...). A node is a label
 * some reached state has; an edge {@code from --action--> to} is a move that took a reached state
 * with label {@code from} to one with label {@code to} ({@code action} names the move: its last
 * statement with fds and outcomes left out, and the failure errno when it failed). Each edge keeps the
 * first path that showed it (the witness), so a test can replay it.
 */
public final class StateGraph {
    /** One diagram's definition: its world, its moves in a state, the projection and the move's name. */
    public interface Spec {
        String name();

        String title();

        Semantics semantics();

        List<String> world();

        /** The moves enabled after {@code path} (each one or more statements). */
        List<List<String>> moves(Run path);

        /** The label of a state. */
        String label(Kernel k);

        /** The label of a move (the last statement's syscall or server action). */
        String action(List<String> move, Run after);

        int depth();
    }

    public record Edge(String from, String action, String to) implements Comparable<Edge> {
        @Override
        public int compareTo(Edge o) {
            return (from + "\0" + action + "\0" + to).compareTo(o.from + "\0" + o.action + "\0" + o.to);
        }
    }

    private final Spec spec;
    private final String initial;
    private final Set<String> states = new TreeSet<>();
    private final Map<Edge, List<String>> witness = new TreeMap<>();
    private long explored;

    private StateGraph(Spec spec, String initial) {
        this.spec = spec;
        this.initial = initial;
    }

    public Spec spec() {
        return spec;
    }

    public String initial() {
        return initial;
    }

    public Set<String> states() {
        return states;
    }

    public Set<Edge> edges() {
        return witness.keySet();
    }

    /** The first path (world included) whose last move showed {@code e}. */
    public List<String> witness(Edge e) {
        return witness.get(e);
    }

    /** Distinct model states explored. */
    public long explored() {
        return explored;
    }

    /** A path of statements run on a fresh model: the session, the lines, the last statement's result. */
    public static final class Run {
        private static final Map<String, Stmt> PARSED = new ConcurrentHashMap<>();
        final Session session;
        final List<String> lines = new ArrayList<>();
        String last = "";

        Run(Setup setup) {
            session = new Session(setup, false);
        }

        public Kernel kernel() {
            return session.kernel();
        }

        public List<String> lines() {
            return lines;
        }

        /** The result the last statement returned ("3", "-1 EIO", "unfinished", ""). */
        public String lastResult() {
            return last;
        }

        /** The reply policy the last {@code server open P ...} line set for P ("cached" by default). */
        public String openPolicy(String path) {
            String p = "cached";
            for (String l : lines) {
                if (l.startsWith("server open " + path + " ")) {
                    p = l.substring(("server open " + path + " ").length());
                }
            }
            return p;
        }

        /** A statement; the ioctls take the outcome {@code ?} too (the language wants a number there). */
        static Stmt parse(String text) {
            boolean anyIoctl = text.startsWith("server backing_") && text.endsWith(" = ?");
            String t = anyIoctl ? text.substring(0, text.length() - 1) + "0" : text;
            Stmt s = TraceParser.parse("move", "trace: move\nresult: pass\n\n" + t + "\n").body().get(0);
            fusesim.traces.lang.Outcome any = new fusesim.traces.lang.Outcome.Any(fusesim.traces.lang.Pos.NONE);
            if (anyIoctl && s instanceof Stmt.BackingOpen o) {
                return new Stmt.BackingOpen(o.pos(), o.target(), o.params(), any);
            }
            if (anyIoctl && s instanceof Stmt.BackingClose c) {
                return new Stmt.BackingClose(c.pos(), c.id(), any);
            }
            return s;
        }

        boolean run(String text) {
            Stmt s = PARSED.computeIfAbsent(text, Run::parse);
            Observation o;
            try {
                o = session.exec(s);
            } catch (RuntimeException e) { // TraceError included: a statement that means nothing here
                return false;
            }
            if (!o.met()) {
                return false;
            }
            lines.add(text);
            last = o.result();
            return true;
        }
    }

    static Setup setup(Spec s) {
        return Setup.of(s.semantics(), Set.of(), ServerMode.WELL_BEHAVED);
    }

    /** Runs {@code lines} from a fresh model; null when a line does not run (refused, or not met). */
    public static Run replay(Spec s, List<String> lines) {
        Run p = new Run(setup(s));
        for (String l : lines) {
            if (!p.run(l)) {
                return null;
            }
        }
        return p;
    }

    /** Explores {@code s} to its depth. */
    public static StateGraph explore(Spec s) {
        List<String> world = s.world();
        Run root = replay(s, world);
        if (root == null) {
            throw new IllegalStateException(s.name() + ": the world does not set up");
        }
        StateGraph g = new StateGraph(s, s.label(root.kernel()));
        g.states.add(g.initial);
        ModelEncoder enc = new ModelEncoder(false);
        Set<String> seen = new HashSet<>();
        seen.add(java.util.HexFormat.of().formatHex(enc.encode(root.kernel())));
        List<List<String>> frontier = List.of(List.copyOf(world));
        for (int d = 0; d < s.depth() && !frontier.isEmpty(); d++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> path : frontier) {
                Run parent = replay(s, path);
                String from = s.label(parent.kernel());
                for (List<String> move : s.moves(parent)) {
                    List<String> lines = new ArrayList<>(path);
                    lines.addAll(move);
                    Run child = replay(s, lines);
                    if (child == null) {
                        continue; // a move the model refuses here (a statement that means nothing now)
                    }
                    String to = s.label(child.kernel());
                    g.states.add(to);
                    g.witness.putIfAbsent(new Edge(from, s.action(move, child), to), List.copyOf(lines));
                    if (seen.add(java.util.HexFormat.of().formatHex(enc.encode(child.kernel())))) {
                        next.add(List.copyOf(lines));
                    }
                }
            }
            g.explored += next.size();
            frontier = next;
        }
        return g;
    }

    // ------------------------------------------------------------------ rendering

    private static String id(String label, Map<String, String> ids) {
        return ids.computeIfAbsent(label, l -> "s" + ids.size());
    }

    /** Mermaid {@code stateDiagram-v2} (renders on GitHub and GitLab). */
    public String mermaid() {
        Map<String, String> ids = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        for (String st : states) {
            b.append("    ").append(id(st, ids)).append(" : ").append(st.replace(":", " -")).append('\n');
        }
        b.append("    [*] --> ").append(id(initial, ids)).append('\n');
        for (Map.Entry<String, List<String>> e : grouped().entrySet()) {
            String[] ft = e.getKey().split("\0");
            b.append("    ").append(id(ft[0], ids)).append(" --> ").append(id(ft[1], ids)).append(" : ")
                    .append(String.join(", ", e.getValue()).replace(":", " -")).append('\n');
        }
        return b.append("```\n").toString();
    }

    /** Graphviz DOT, for Documentation/ (a {@code .. kernel-figure::}). */
    public String dot() {
        Map<String, String> ids = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder("digraph \"" + spec.name() + "\" {\n    rankdir=LR;\n"
                + "    node [shape=box, style=rounded, fontname=\"monospace\"];\n    start [shape=point];\n");
        for (String st : states) {
            b.append("    ").append(id(st, ids)).append(" [label=\"").append(esc(st)).append("\"];\n");
        }
        b.append("    start -> ").append(id(initial, ids)).append(";\n");
        for (Map.Entry<String, List<String>> e : grouped().entrySet()) {
            String[] ft = e.getKey().split("\0");
            b.append("    ").append(id(ft[0], ids)).append(" -> ").append(id(ft[1], ids)).append(" [label=\"")
                    .append(esc(String.join("\\n", e.getValue()))).append("\"];\n");
        }
        return b.append("}\n").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\\\\n", "\\n");
    }

    /** Edges grouped by (from, to): the actions joined, in order. */
    private Map<String, List<String>> grouped() {
        Map<String, List<String>> g = new TreeMap<>();
        for (Edge e : witness.keySet()) {
            g.computeIfAbsent(e.from() + "\0" + e.to(), k -> new ArrayList<>()).add(e.action());
        }
        return g;
    }

    /** A projection helper: the label of the first of {@code list} matching, or {@code none}. */
    static <T> String first(List<T> list, Function<T, String> f, String none) {
        return list.isEmpty() ? none : f.apply(list.get(0));
    }
}
