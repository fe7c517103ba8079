package fusesim.report.itf;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.report.itf.Itf.Rec;
import fusesim.report.itf.Json.Node;
import fusesim.report.itf.Json.Obj;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code fusesim export --itf}: a trace's model replay as an ITF trace. State 0 is the model
 * before the first statement; state i the model after statement i, with what that statement
 * produced ({@link #STEP_VARS}) beside the model's state ({@link ItfState#VARS}). The replay stops
 * where {@code fusesim replay} stops (the first invariant violation). The trace's own text rides
 * in {@code #meta}, so {@link ItfCheck} can replay it again without the original file.
 */
public final class ItfExport {
  private ItfExport() {}

  /** What the statement of a state did: its number, trace line, text, result, requests, verdict. */
  public static final List<String> STEP_VARS = List.of("step", "line", "stmt", "result", "requests", "met",
      "violation");

  public static final String FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html";

  /** Every variable, in the order a state writes them. */
  public static List<String> vars() {
    List<String> v = new ArrayList<>(STEP_VARS);
    v.addAll(ItfState.VARS);
    return v;
  }

  /** The ITF document for the trace {@code text} read from {@code file}, with {@code faults} on. */
  public static Obj export(String file, String text, Set<Fault> faults) {
    Trace t = TraceParser.parse(file, text);
    List<Node> states = new ArrayList<>();
    ModelReplay.Result r = new ModelReplay(t, faultsOf(faults), Checker.all())
        .observe((step, k) -> states.add(state(states.size(), step, k))).run();
    Map<String, Node> top = new LinkedHashMap<>();
    top.put("#meta", meta(file, text, faults, r));
    List<Node> vars = new ArrayList<>();
    vars().forEach(v -> vars.add(Itf.str(v)));
    top.put("vars", Itf.list(vars));
    top.put("states", Itf.list(states));
    return new Obj(top);
  }

  static Faults faultsOf(Set<Fault> faults) {
    return faults.isEmpty() ? Faults.none() : new Faults(faults);
  }

  private static Node meta(String file, String text, Set<Fault> faults, ModelReplay.Result r) {
    List<Node> fs = new ArrayList<>();
    new TreeSet<>(faults.stream().map(Fault::id).toList()).forEach(f -> fs.add(Itf.str(f)));
    Node fusesim = new Rec().put("trace", text).put("faults", Itf.list(fs))
        .put("met", r.met()).put("why", r.why() == null ? "" : r.why()).build();
    return new Rec().put("format", "ITF").put("format-description", FORMAT_DESCRIPTION)
        .put("source", file).put("description", "fusesim model replay of " + file
            + "; state 0 before the first statement, state i after statement i")
        .put("fusesim", fusesim).build();
  }

  private static Node state(int index, ModelReplay.Step step, Kernel k) {
    Rec s = new Rec().put("#meta", new Rec().put("index", new Json.Num(Integer.toString(index), 0, 0)).build());
    Observation o = step == null ? null : step.obs();
    List<Node> reqs = new ArrayList<>();
    if (o != null) {
      o.requests().forEach(q -> reqs.add(Itf.str(q)));
    }
    s.put("step", index).put("line", o == null ? 0 : o.line()).put("stmt", o == null ? "" : o.stmt())
        .put("result", o == null ? "" : o.result()).put("requests", Itf.list(reqs))
        .put("met", o == null || o.met())
        .put("violation", step == null || step.violations().isEmpty() ? "" : step.violations().get(0).invariant().id());
    ItfState.of(k).forEach(s::put);
    return s.build();
  }
}
