package fusesim.traces.lang;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The litmus-test-like header of a trace: its name, the semantics it runs under, assumptions for
 * open questions, the expected verdict and the documentation paragraph.
 *
 * @param pos the position of the {@code trace:} keyword
 * @param name the trace name ({@code [A-Za-z0-9._-]+})
 * @param declaredSemantics the {@code semantics:} line, if any (see {@link #semantics()})
 * @param assumptions the {@code assume:} lines, in order
 * @param verdict the {@code result:} line
 * @param docs the {@code doc:} lines, in order
 */
public record Header(
    Pos pos,
    Word name,
    Optional<Semantics> declaredSemantics,
    List<Assumption> assumptions,
    Verdict verdict,
    List<Doc> docs) {

  public Header {
    Objects.requireNonNull(pos);
    Objects.requireNonNull(name);
    Objects.requireNonNull(declaredSemantics);
    assumptions = List.copyOf(assumptions);
    Objects.requireNonNull(verdict);
    docs = List.copyOf(docs);
  }

  /** The semantics to run: the declared one, or mainline. */
  public Semantics semantics() {
    return declaredSemantics.orElse(Semantics.MAINLINE);
  }

  /** The doc lines joined with single spaces: the trace's purpose as one paragraph. */
  public String docText() {
    return String.join(" ", docs.stream().map(Doc::text).toList()).trim();
  }

  /** Which kernel a trace is about: {@code mainline}, {@code v1}, {@code v2} or {@code v2@K}. */
  public record Semantics(Pos pos, Series series, Optional<Integer> patchPrefix) {
    /** The default when a trace has no {@code semantics:} line. */
    public static final Semantics MAINLINE = new Semantics(Pos.NONE, Series.MAINLINE, Optional.empty());

    public Semantics {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(series);
      Objects.requireNonNull(patchPrefix);
      if (patchPrefix.isPresent() && series != Series.V2) {
        throw new IllegalArgumentException("only v2 takes a patch count");
      }
    }

    /**
     * How many patches of the series are applied: 0 for mainline, K for {@code v2@K}, 21 for
     * {@code v2}, and {@link Integer#MAX_VALUE} (the whole series) for {@code v1}.
     */
    public int patchesApplied() {
      if (series == Series.MAINLINE) {
        return 0;
      }
      return patchPrefix.orElse(series == Series.V2 ? Catalog.V2_PATCHES : Integer.MAX_VALUE);
    }

    /** The text after {@code semantics:}. */
    public String text() {
      return series.word() + patchPrefix.map(k -> "@" + k).orElse("");
    }
  }

  /** The kernels a trace can be run against. */
  public enum Series {
    MAINLINE("mainline"), V1("v1"), V2("v2");

    private final String word;

    Series(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  /** {@code assume: ID=CHOICE}: a choice for an open question of the assumption registry. */
  public record Assumption(Pos pos, Word id, Word choice) {
    public Assumption {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(id);
      Objects.requireNonNull(choice);
    }
  }

  /**
   * {@code result: pass} or {@code result: violates INVARIANT [at line N]}, where N is the line of
   * the step where the invariant must first break.
   */
  public record Verdict(Pos pos, Optional<Word> violates, Optional<Value.Int> atLine) {
    public Verdict {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(violates);
      Objects.requireNonNull(atLine);
      if (violates.isEmpty() && atLine.isPresent()) {
        throw new IllegalArgumentException("'at line' needs an invariant");
      }
    }

    public boolean pass() {
      return violates.isEmpty();
    }
  }

  /** {@code doc: TEXT}: the text after the colon, trimmed, kept verbatim ({@code #} included). */
  public record Doc(Pos pos, String text) {
    public Doc {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(text);
    }
  }
}
