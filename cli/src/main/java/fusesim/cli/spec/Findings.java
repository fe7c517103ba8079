package fusesim.cli.spec;

import fusesim.model.series.Assumption;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.replay.ModelReplay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every result a reviewer of the series should hear, computed from the corpus and the {@link Effects}
 * run: corpus traces whose {@code result:} is a violation (a mainline behaviour that looks like a bug,
 * an invariant the series breaks under the default choices, one an assumption choice breaks, what v1
 * did), invariants a non-default assumption choice breaks in the property run, and bisectability
 * breaks (a patch prefix that changes a mainline trace). Each names its trace, the patch (the first
 * prefix v2@K whose model shows the violation, computed by replaying the trace under v2@0..21), the
 * assumption choices it depends on, and how to reproduce it.
 */
public final class Findings {
  /** What kind of result it is, in the order a reviewer reads them. */
  public enum Kind {
    SERIES_DEFAULT("An invariant the series breaks under the default choices"),
    ASSUMPTION("An assumption whose choice flips an invariant"),
    BISECT("A bisectability break (a patch prefix changes mainline behaviour)"),
    V1("What v1 did that v2 removed"),
    MAINLINE("A mainline behaviour found on the kernel that looks like a bug");

    public final String title;

    Kind(String title) {
      this.title = title;
    }
  }

  /**
   * One finding. {@code trace} is the corpus path ("v2/x.trace") or null; {@code body} the trace's
   * statements as printed (null without a trace); {@code patch} the first v2 prefix that shows it
   * (0 for v2@0 = mainline behaviour, -1 unknown / not a series result).
   */
  public record Finding(Kind kind, String title, String invariant, String semantics, int patch,
      List<String> assumptions, String trace, String doc, String body, List<String> reproduce) {}

  private Findings() {}

  /** Every finding, sorted by kind, then patch, then title. */
  public static List<Finding> all(Effects fx) {
    List<Finding> out = new ArrayList<>();
    for (Effects.Named n : fx.corpus) {
      traceFinding(n).ifPresent(out::add);
    }
    for (Effects.ChoiceEffect c : fx.choices) {
      Effects.PropRun base = fx.baselines.get(c.base());
      for (Effects.Broken b : c.props().broken().values()) {
        if (base != null && base.broken().containsKey(b.invariant())) {
          continue;
        }
        String choice = c.assumption().id() + "=" + c.choice().name();
        String sem = c.base();
        out.add(new Finding(Kind.ASSUMPTION, choice + " breaks " + b.invariant() + " (" + c.assumption().key() + ")",
            b.invariant(), sem, c.assumption().patches().isEmpty() ? -1 : c.assumption().patches().get(0),
            List.of(choice), null, c.assumption().question() + " Choosing " + c.choice().name() + ": "
                + c.choice().meaning() + ". In the property run " + b.sequences() + " of " + c.props().runs()
                + " generated sequences break " + b.invariant() + " (first: sequence " + b.firstSequence() + ", "
                + b.firstMode() + " server): " + b.detail(), null,
            List.of("./fusesim check --semantics " + sem + " --assume " + choice + " --seed "
                + Long.toUnsignedString(fx.seed) + " --runs " + fx.runs + "   # counterexample shrunk under out/")));
      }
    }
    for (Effects.PropRun r : fx.baselines.values()) {
      for (Effects.Broken b : r.broken().values()) {
        out.add(new Finding(Kind.SERIES_DEFAULT, b.invariant() + " breaks in generated sequences under " + r.semantics(),
            b.invariant(), r.semantics(), -1, List.of(), null, b.sequences() + " of " + r.runs()
                + " generated sequences break it (first: sequence " + b.firstSequence() + ", " + b.firstMode()
                + " server): " + b.detail(), null,
            List.of("./fusesim check --semantics " + r.semantics() + " --seed " + Long.toUnsignedString(fx.seed)
                + " --runs " + fx.runs + "   # counterexample shrunk under out/")));
      }
    }
    for (Effects.PatchEffect p : fx.patches) {
      for (Effects.Change c : p.corpus()) {
        if (c.trace().startsWith("mainline/")) {
          out.add(new Finding(Kind.BISECT, p.patch().cite() + " changes mainline trace " + c.trace(), null,
              "v2@" + p.patch().number(), p.patch().number(), List.of(), "traces/corpus/" + c.trace(),
              "Replayed under v2@" + (p.patch().number() - 1) + " and v2@" + p.patch().number() + ": " + c.what(),
              null, List.of("./fusesim diff --from v2@" + (p.patch().number() - 1) + " --to v2@" + p.patch().number()
                  + " traces/corpus/" + c.trace())));
        }
      }
    }
    out.sort(Comparator.comparing(Finding::kind).thenComparingInt(Finding::patch).thenComparing(Finding::title));
    return out;
  }

  /** A corpus trace whose result is a violation, as a finding. */
  static Optional<Finding> traceFinding(Effects.Named n) {
    Header h = n.trace().header();
    if (h.verdict().violates().isEmpty()) {
      return Optional.empty();
    }
    String inv = h.verdict().violates().get().text();
    List<String> assume = h.assumptions().stream().map(a -> a.id().text() + "=" + a.choice().text()).toList();
    Header.Series series = h.semantics().series();
    Kind kind = series == Header.Series.MAINLINE ? Kind.MAINLINE : series == Header.Series.V1 ? Kind.V1
        : assume.isEmpty() ? Kind.SERIES_DEFAULT : Kind.ASSUMPTION;
    int patch = series == Header.Series.V2 ? firstPatch(n, inv, assume) : -1;
    String path = "traces/corpus/" + n.name();
    List<String> how = new ArrayList<>();
    how.add("./fusesim replay " + path);
    if (series == Header.Series.MAINLINE) {
      how.add("./fusesim kernel replay " + path + "   # the same lines on this machine's kernel");
    }
    how.add("./fusesim repro " + path + " > r.c && cc -O2 -Wall -Werror r.c -o r && ./r"
        + (series == Header.Series.MAINLINE ? "" : "   # skips (exit 4) without FUSE_PASSTHROUGH_INO"));
    StringBuilder body = new StringBuilder();
    for (Stmt s : n.trace().body()) {
      body.append(TracePrinter.print(s)).append('\n');
    }
    String title = n.trace().name() + ": " + inv
        + h.verdict().atLine().map(l -> " at line " + l.value()).orElse("");
    return Optional.of(new Finding(kind, title, inv, h.semantics().text(), patch, assume, path, h.docText(),
        body.toString(), how));
  }

  /** The first v2@K (K = 0..21) under which the trace (with its assume: lines) violates {@code inv}; -1 none. */
  static int firstPatch(Effects.Named n, String inv, List<String> assume) {
    for (int k = 0; k <= Semantics.V2_PATCHES; k++) {
      Semantics s = Semantics.v2(k).assume(assume);
      try {
        ModelReplay.Result r = new ModelReplay(n.trace(), fusesim.model.Faults.none(), fusesim.invariants.Checker.all())
            .withSemantics(s).run();
        if (r.violation() != null && r.violation().invariant().id().equals(inv)) {
          return k;
        }
      } catch (RuntimeException e) {
        // a prefix that cannot replay the trace (a statement it does not have yet): not this one
      }
    }
    return -1;
  }

  /** The findings that concern patch {@code k}: their patch is k, or an assumption about k is involved. */
  public static List<Finding> forPatch(List<Finding> all, int k) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : all) {
      boolean about = f.patch() == k;
      for (String a : f.assumptions()) {
        String id = a.substring(0, a.indexOf('='));
        about |= Assumption.byId(id).map(x -> x.patches().contains(k)).orElse(false);
      }
      if (about) {
        out.add(f);
      }
    }
    return out;
  }

  /** The findings page (Markdown): one section per kind, each finding with its trace inline. */
  public static String markdown(List<Finding> all) {
    StringBuilder b = new StringBuilder("# Findings\n\n");
    b.append("Generated by `fusesim spec` from the model, the corpus and the property runs (see the index). "
        + "Every result a reviewer of the series should hear: each with its trace, the patch (the first prefix "
        + "`v2@K` whose model shows it: the trace replayed under v2@0..21), the assumption choices it depends on, "
        + "and how to reproduce it on the model, on this machine's kernel and as a C reproducer "
        + "(`fusesim repro`).\n\n");
    for (Kind k : Kind.values()) {
      List<Finding> of = all.stream().filter(f -> f.kind() == k).toList();
      b.append("## ").append(k.title).append("\n\n");
      if (of.isEmpty()) {
        b.append(k == Kind.BISECT ? "None: every prefix v2@0..21 gives every mainline corpus trace the same outcome "
            + "as the prefix before it.\n\n" : "None found.\n\n");
        continue;
      }
      for (Finding f : of) {
        b.append("### ").append(f.title().replace("_", "\\_")).append("\n\n");
        b.append("- semantics: `").append(f.semantics()).append('`');
        if (f.invariant() != null) {
          b.append(", invariant: [").append(f.invariant()).append("](invariants.md)");
        }
        b.append('\n');
        b.append("- patch: ").append(f.patch() < 0 ? "not a series result, or no single prefix"
            : f.patch() == 0 ? "already under v2@0 (mainline behaviour)"
            : "[" + fusesim.model.series.Patch.V2.get(f.patch() - 1).cite() + "](patches.md) "
                + fusesim.model.series.Patch.V2.get(f.patch() - 1).title()).append('\n');
        b.append("- assumption choices: ").append(f.assumptions().isEmpty() ? "the defaults"
            : String.join(", ", f.assumptions().stream().map(a -> "`" + a + "`").toList())).append('\n');
        if (f.trace() != null) {
          b.append("- trace: `").append(f.trace()).append("`\n");
        }
        b.append('\n');
        if (f.doc() != null && !f.doc().isBlank()) {
          b.append(f.doc().replace("\n", " ").trim()).append("\n\n");
        }
        if (f.body() != null) {
          b.append("```\n").append(f.body()).append("```\n\n");
        }
        b.append("Reproduce:\n\n```\n");
        f.reproduce().forEach(r -> b.append(r).append('\n'));
        b.append("```\n\n");
      }
    }
    return b.toString();
  }
}
