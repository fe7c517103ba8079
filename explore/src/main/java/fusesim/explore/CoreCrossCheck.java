package fusesim.explore;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Checks the io-mode core against the full model: a core path is rendered as a trace with the
 * outcomes the core predicts, replayed on a fresh full model ({@link Session#run}, every invariant
 * of invariants/ after every statement), and the two must agree on every syscall result and on the
 * invariant verdict: the same first invariant broken at the same statement, or none. The core
 * computes no statement check ({@link Session#STATEMENT_CHECKS}: a planted fault's open that
 * fuse_file_io_open refuses is IOMODE-OPEN's): where the model stops at one before the core's
 * verdict, the two agree up to it and the rest is not compared.
 */
public final class CoreCrossCheck {
  private CoreCrossCheck() {}

  /** Null when the core and the model agree on {@code path}; else what differs. */
  public static String compare(IoCore core, int[] path, Set<Fault> modelFaults) {
    CoreTrace.Rendered r = CoreTrace.render(core, path);
    List<Stmt> stmts = r.stmts();
    Setup setup = Setup.of(Semantics.MAINLINE, modelFaults, ServerMode.WELL_BEHAVED);
    Session.Result res = Session.run(setup, stmts, true);
    if (res.status() == Session.Status.INVALID) {
      int at = res.stmts().size();
      return "the model disagrees at statement " + (at + 1) + " (" + r.lines().get(Math.min(at, r.lines().size() - 1))
          + "): " + res.invalid() + "\n" + String.join("\n", r.lines());
    }
    if (res.status() == Session.Status.VIOLATED && Session.statementCheck(res.violation().invariant()) != null
        && (r.violation() == null || res.violation().index() < r.effectLine()[r.violationAction()])) {
      return null; // a statement check the core does not compute stopped the model first
    }
    if (r.violation() == null) {
      if (res.status() != Session.Status.PASSED) {
        return "the core sees no violation, the model sees " + res.violation().invariant() + " at statement "
            + (res.violation().index() + 1) + ": " + res.violation().detail() + "\n" + String.join("\n", r.lines());
      }
      return null;
    }
    int line = r.effectLine()[r.violationAction()];
    if (res.status() != Session.Status.VIOLATED) {
      return "the core sees " + r.violation() + " at statement " + (line + 1) + ", the model sees none\n"
          + String.join("\n", r.lines());
    }
    if (!res.violation().invariant().equals(r.violation()) || res.violation().index() != line) {
      return "the core sees " + r.violation() + " at statement " + (line + 1) + ", the model "
          + res.violation().invariant() + " at statement " + (res.violation().index() + 1) + "\n"
          + String.join("\n", r.lines());
    }
    return null;
  }

  /**
   * A random path of at most {@code length} enabled actions from the initial state, stopping after
   * a violation; the walk moves through canonical states, as the explorer does.
   */
  public static int[] randomPath(IoCore core, SplittableRandom rnd, int length) {
    IoCore.World w = core.newWorld();
    IoCore.World tmp = core.newWorld();
    long[] s = core.initial();
    core.unpack(s, 0, w);
    List<Integer> path = new ArrayList<>();
    for (int k = 0; k < length; k++) {
      List<Integer> en = new ArrayList<>();
      for (int a = 0; a < core.actionCount; a++) {
        if (core.enabled(w, a)) {
          en.add(a);
        }
      }
      if (en.isEmpty()) {
        break;
      }
      int a = en.get(rnd.nextInt(en.size()));
      path.add(a);
      tmp.copyFrom(w);
      int r = core.apply(tmp, a, null);
      if (r != IoCore.OK) {
        break;
      }
      core.pack(tmp, s, 0, null);
      core.unpack(s, 0, w);
    }
    return path.stream().mapToInt(Integer::intValue).toArray();
  }
}
