package fusesim.report.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diagrams are what the explorer reaches: every edge's witness path, replayed on a fresh model,
 * ends in a state labelled as the edge's target and passes through one labelled as its source; every
 * state is the label of a reached state; and the known shape of the io-mode machine is there.
 */
class DiagramsTest {
    @Test
    void everyEdgeIsReachedByItsWitness() {
        for (StateGraph.Spec s : Diagrams.all()) {
            StateGraph g = StateGraph.explore(s);
            System.out.println(s.name() + ": " + g.states().size() + " states, " + g.edges().size() + " edges, "
                    + g.explored() + " model states explored");
            System.out.println(g.mermaid());
            assertThat(g.edges()).as(s.name()).isNotEmpty();
            for (StateGraph.Edge e : g.edges()) {
                List<String> w = g.witness(e);
                StateGraph.Run end = StateGraph.replay(s, w);
                assertThat(end).as("%s: %s replays", s.name(), w).isNotNull();
                assertThat(s.label(end.kernel())).as("%s: %s", s.name(), e).isEqualTo(e.to());
                boolean fromSeen = false;
                for (int n = s.world().size(); n < w.size() && !fromSeen; n++) {
                    StateGraph.Run prefix = StateGraph.replay(s, w.subList(0, n));
                    fromSeen = prefix != null && s.label(prefix.kernel()).equals(e.from());
                }
                assertThat(fromSeen).as("%s: %s passes through %s", s.name(), w, e.from()).isTrue();
                assertThat(g.states()).contains(e.from(), e.to());
            }
        }
    }

    @Test
    void ioModeMachineHasTheKernelsShape() {
        StateGraph g = StateGraph.explore(new Diagrams.IoMode());
        assertThat(g.states()).contains("no inode", "neutral iocachectr=0", "cached iocachectr=1", "cached iocachectr=2",
                "uncached iocachectr=-1", "passthrough iocachectr=-1", "passthrough iocachectr=-2");
        // a FOPEN_DIRECT_IO open leaves the io mode alone (fuse_file_io_open returns early)
        assertThat(g.edges()).contains(new StateGraph.Edge("no inode", "open direct_io", "neutral iocachectr=0"));
        // a passthrough open beside a cached one fails with EIO (fuse_file_io_open)
        assertThat(g.edges()).contains(new StateGraph.Edge("cached iocachectr=1", "open passthrough = EIO",
                "cached iocachectr=1"));
        assertThat(g.mermaid()).startsWith("```mermaid\nstateDiagram-v2\n").contains("[*] --> ");
        assertThat(g.dot()).startsWith("digraph \"io-mode\" {").endsWith("}\n");
    }

    @Test
    void patch13AttachesTheLifetimeBacking() {
        StateGraph before = StateGraph.explore(new Diagrams.LifetimeBacking(12));
        StateGraph at = StateGraph.explore(new Diagrams.LifetimeBacking(13));
        assertThat(before.states()).noneMatch(st -> st.startsWith("lifetime backing"));
        assertThat(at.states()).anyMatch(st -> st.startsWith("lifetime backing"));
    }
}
