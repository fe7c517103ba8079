package fusesim.properties;

import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.invariants.Invariants;
import fusesim.model.Errno;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import fusesim.traces.lang.Word;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A shrunk failing sequence as a trace file: concrete outcomes (what the model returned) in place
 * of the generator's {@code ?}, a header saying which invariant breaks at which printed line, and
 * doc lines saying how it was found. {@link #of} prints it, parses the text back and replays it
 * with {@link ModelReplay}; it must break the same invariant at the same line, or this throws.
 */
public record Counterexample(String name, String invariant, int line, String text, String detail) {

  /**
   * @param how doc lines on how it was found (seed, mode, sequence, faults, shrink statistics)
   */
  public static Counterexample of(Setup setup, String name, List<Stmt> shrunk, List<String> how) {
    Session.Result r = Session.run(setup, shrunk, true);
    if (r.status() != Session.Status.VIOLATED) {
      throw new IllegalStateException("the shrunk sequence does not violate: " + r.status() + " " + r.invalid());
    }
    List<Stmt> body = new ArrayList<>();
    for (int i = 0; i < r.stmts().size(); i++) {
      body.add(concrete(r.stmts().get(i), r.observations().get(i)));
    }
    Session.Violation v = r.violation();
    Invariant inv = Session.statementCheck(v.invariant()) != null ? Session.statementCheck(v.invariant())
        : Invariants.byId(v.invariant());
    List<Header.Doc> docs = new ArrayList<>();
    docs.add(doc(v.invariant() + ": " + (inv == null ? "" : inv.title())));
    docs.add(doc("found: " + v.detail()));
    for (String h : how) {
      docs.add(doc(h));
    }
    List<Header.Assumption> assumes = setup.headerAssumptions();
    int headerLines = 3 + assumes.size() + docs.size(); // trace, semantics, assume, result, docs
    int line = headerLines + 2 + v.index();
    Header h = new Header(Pos.NONE, Word.of(name), Optional.of(setup.headerSemantics()), assumes,
        new Header.Verdict(Pos.NONE, Optional.of(Word.of(v.invariant())), Optional.of(Value.Int.of(line))),
        docs);
    String text = TracePrinter.print(new Trace(name + ".trace", h, body));
    confirm(setup, name, text, v.invariant(), line);
    return new Counterexample(name, v.invariant(), line, text, v.detail());
  }

  /**
   * A sequence whose observables under {@code setup} differ from mainline's (MAINLINE-EQUIV): the
   * trace with {@code setup}'s outcomes and verdict, the first differing line in a doc line, to be
   * replayed with {@code fusesim diff --from mainline --to SEMANTICS FILE}.
   */
  public static Counterexample equivalence(Setup setup, String name, List<Stmt> shrunk, List<String> how) {
    MainlineEquivalence.Difference d = MainlineEquivalence.firstDifference(setup, shrunk);
    Session.Result r = Session.run(setup, shrunk, true);
    if (d == null || r.status() == Session.Status.INVALID) {
      throw new IllegalStateException("the shrunk sequence is mainline-equivalent: " + r.status());
    }
    List<Stmt> body = new ArrayList<>();
    for (int i = 0; i < r.stmts().size(); i++) {
      body.add(concrete(r.stmts().get(i), r.observations().get(i)));
    }
    List<Header.Doc> docs = new ArrayList<>();
    docs.add(doc(MainlineEquivalence.ID + ": " + MainlineEquivalence.TITLE));
    List<Header.Assumption> assumes = setup.headerAssumptions();
    int first = 3 + assumes.size() + 3 + how.size() + 2; // the body's first line
    docs.add(doc("found: line " + (first + d.index()) + ": " + d.detail()));
    docs.add(doc("see it: fusesim diff --from mainline --to " + setup.semantics() + " " + name + ".trace"));
    for (String h : how) {
      docs.add(doc(h));
    }
    Session.Violation v = r.violation();
    Header.Verdict verdict = v == null ? new Header.Verdict(Pos.NONE, Optional.empty(), Optional.empty())
        : new Header.Verdict(Pos.NONE, Optional.of(Word.of(v.invariant())), Optional.of(Value.Int.of(first + v.index())));
    Header h = new Header(Pos.NONE, Word.of(name), Optional.of(setup.headerSemantics()), assumes, verdict, docs);
    String text = TracePrinter.print(new Trace(name + ".trace", h, body));
    Trace t = TraceParser.parse(name + ".trace", text);
    if (!new ModelReplay(t, setup.faultSet(), setup.checker()).run().met()) {
      throw new IllegalStateException("the equivalence counterexample does not replay:\n" + text);
    }
    return new Counterexample(name, MainlineEquivalence.ID, first + d.index(), text, d.detail());
  }

  /** Parses the printed text and replays it: the same invariant must break at the same line. */
  static void confirm(Setup setup, String name, String text, String invariant, int line) {
    Trace t = TraceParser.parse(name + ".trace", text);
    ModelReplay.Result rr = new ModelReplay(t, setup.faultSet(), setup.checker()).run();
    if (!rr.met() || rr.violation() == null || !rr.violation().invariant().id().equals(invariant)
        || rr.violationLine() != line) {
      throw new IllegalStateException("the counterexample does not replay to " + invariant + " at line "
          + line + ": " + rr.why() + "\n" + text);
    }
  }


  private static Header.Doc doc(String text) {
    return new Header.Doc(Pos.NONE, text.replace('\n', ' '));
  }

  /** The statement with the observed outcome in place of {@code ?}. */
  static Stmt concrete(Stmt s, Observation o) {
    if (s instanceof Stmt.Call) {
      Stmt.Call c = (Stmt.Call) s;
      return new Stmt.Call(c.pos(), c.thread(), c.syscall(), c.args(), outcome(o.result()), c.checks());
    }
    if (s instanceof Stmt.Resumed) {
      Stmt.Resumed c = (Stmt.Resumed) s;
      return new Stmt.Resumed(c.pos(), c.thread(), c.syscall(), outcome(o.result()), c.checks());
    }
    if (s instanceof Stmt.BackingOpen) {
      Stmt.BackingOpen b = (Stmt.BackingOpen) s;
      return new Stmt.BackingOpen(b.pos(), b.target(), b.params(), outcome(o.result()));
    }
    if (s instanceof Stmt.BackingClose) {
      Stmt.BackingClose b = (Stmt.BackingClose) s;
      return new Stmt.BackingClose(b.pos(), b.id(), outcome(o.result()));
    }
    return s;
  }

  /** "3", "-1 EIO", "m1", "0 {ino=10 ...}" as an outcome. */
  static Outcome outcome(String result) {
    String[] w = result.split(" ");
    if (w[0].startsWith("m")) {
      return new Outcome.Maps(Pos.NONE, w[0]);
    }
    if (w[0].equals("-1") && w.length > 1) {
      Optional<Errno> e = Errno.parse(w[1]);
      if (e.isPresent()) {
        return new Outcome.Fails(Pos.NONE, Value.Err.of(e.get()));
      }
      return new Outcome.Any(Pos.NONE);
    }
    try {
      return new Outcome.Returns(Pos.NONE, Value.Int.of(Long.parseLong(w[0])));
    } catch (NumberFormatException e) {
      return new Outcome.Any(Pos.NONE);
    }
  }

  /** The number of statements in the trace body. */
  public int length() {
    int n = 0;
    boolean body = false;
    for (String l : text.split("\n", -1)) {
      if (body && !l.isEmpty()) {
        n++;
      }
      if (l.isEmpty()) {
        body = true;
      }
    }
    return n;
  }
}
