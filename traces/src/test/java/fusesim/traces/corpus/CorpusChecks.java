package fusesim.traces.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The checks every corpus folder gets (used by {@link MainlineCorpusTest} and
 * {@link V2CorpusTest}): every trace replays on the model and meets its {@code result:}; and every
 * trace is sharp: changing what it states makes the replay fail (exit-1 semantics: a verdict, not
 * a malformed trace) at the line that states it.
 *
 * <ul>
 *   <li>flipping the verdict ({@code pass} to {@code violates X}, or {@code violates X at line N}
 *       to {@code pass}) fails at the last line, or at line N;</li>
 *   <li>changing one stated result ({@code = N} to {@code = N+1}, or {@code = -1 E} to another
 *       errno) of a syscall or an ioctl fails at that line.</li>
 * </ul>
 *
 * <p>A {@code *-disagreements} folder holds traces that say what should happen where the model
 * does not agree yet: they must parse and must still fail on the model.
 */
final class CorpusChecks {
  static final Path CORPUS = Path.of("corpus");
  private static final Pattern VERDICT = Pattern.compile("(?m)^result:.*$");
  private static final Pattern INT = Pattern.compile("-?(0x[0-9a-fA-F]+|[0-9]+)");
  private static final Pattern FAILS = Pattern.compile("-1(\\s+)([A-Za-z0-9]+)");

  private CorpusChecks() {}

  static Stream<DynamicTest> everyTraceMeetsItsResult(Path dir) throws IOException {
    return traces(dir).stream().map(p -> DynamicTest.dynamicTest(name(p), () -> {
      ModelReplay.Result r = ModelReplay.run(parse(p.toString(), read(p)));
      assertThat(r.met()).as("%s: %s (line %d)", p, r.why(), r.whyLine()).isTrue();
    }));
  }

  static Stream<DynamicTest> flippingTheVerdictFails(Path dir) throws IOException {
    return traces(dir).stream().map(p -> DynamicTest.dynamicTest(name(p), () -> {
      String text = read(p);
      Trace t = parse(p.toString(), text);
      String flipped;
      int wantLine;
      if (t.header().verdict().pass()) {
        flipped = VERDICT.matcher(text).replaceFirst("result: violates NO-KERNEL-WARN");
        wantLine = t.body().get(t.body().size() - 1).line();
      } else {
        flipped = VERDICT.matcher(text).replaceFirst("result: pass");
        wantLine = t.header().verdict().atLine().map(l -> (int) l.value()).orElseThrow(
            () -> new AssertionError(p + ": a violates verdict in the corpus must say at which line"));
      }
      ModelReplay.Result r = ModelReplay.run(parse(p + " (verdict flipped)", flipped));
      assertThat(r.met()).as("%s with its verdict flipped still met it", p).isFalse();
      assertThat(r.whyLine()).as("%s with its verdict flipped: %s", p, r.why()).isEqualTo(wantLine);
    }));
  }
  static Stream<DynamicTest> changingAStatedResultFailsAtItsLine(Path dir, int atLeast)
      throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path p : traces(dir)) {
      String text = read(p);
      Trace t = parse(p.toString(), text);
      int last = lastRunLine(t);
      for (Stmt s : t.body()) {
        Outcome o = outcomeOf(s);
        if (s.line() > last || !(o instanceof Outcome.Returns || o instanceof Outcome.Fails)) {
          continue;
        }
        tests.add(DynamicTest.dynamicTest(name(p) + ":" + s.line(), () -> {
          String mutated = mutate(text, o);
          ModelReplay.Result r = ModelReplay.run(parse(p + ":" + s.line() + " (mutated)", mutated));
          assertThat(r.met()).as("%s:%d mutated to %s still met its result", p, s.line(),
              lineOf(mutated, s.line())).isFalse();
          assertThat(r.whyLine()).as("%s:%d mutated: %s", p, s.line(), r.why()).isEqualTo(s.line());
        }));
      }
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(atLeast);
    return tests.stream();
  }
  static Stream<DynamicTest> disagreementsStillFailOnTheModel(Path dir, Path home)
      throws IOException {
    return traces(dir).stream().map(p -> DynamicTest.dynamicTest(name(p), () -> {
      ModelReplay.Result r = ModelReplay.run(parse(p.toString(), read(p)));
      assertThat(r.met()).as("%s now replays on the model: move it to %s/", p, home.getFileName()).isFalse();
    }));
  }
  /** Every trace of {@code dirs} is listed (by its name in backquotes) in {@code readme}. */
  static void allListedIn(Path readme, Path... dirs) throws IOException {
    String text = read(readme);
    for (Path dir : dirs) {
      for (Path p : traces(dir)) {
        assertThat(text).as("%s lists %s", readme, name(p)).contains("`" + stem(p) + "`");
      }
    }
  }

  static void everyTraceIsNamedAfterItsFile(Path dir) throws IOException {
    for (Path p : traces(dir)) {
      assertThat(parse(p.toString(), read(p)).name() + ".trace").isEqualTo(name(p));
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The last line the replay runs: a violation stops it at its line. */
  static int lastRunLine(Trace t) {
    return t.header().verdict().pass() ? Integer.MAX_VALUE
        : t.header().verdict().atLine().map(l -> (int) l.value()).orElse(Integer.MAX_VALUE);
  }

  static Outcome outcomeOf(Stmt s) {
    if (s instanceof Stmt.Call) {
      return ((Stmt.Call) s).outcome();
    }
    if (s instanceof Stmt.Resumed) {
      return ((Stmt.Resumed) s).outcome();
    }
    if (s instanceof Stmt.BackingOpen) {
      return ((Stmt.BackingOpen) s).outcome();
    }
    if (s instanceof Stmt.BackingClose) {
      return ((Stmt.BackingClose) s).outcome();
    }
    return null;
  }

  /** {@code = N} becomes {@code = N+1}; {@code = -1 E} becomes {@code = -1 EIO} (ENOENT for EIO). */
  static String mutate(String text, Outcome o) {
    String[] lines = text.split("\n", -1);
    int i = o.pos().line() - 1;
    int col = o.pos().col() - 1;
    String line = lines[i];
    String head = line.substring(0, col);
    String tail = line.substring(col);
    if (o instanceof Outcome.Returns) {
      Matcher m = INT.matcher(tail);
      if (!m.lookingAt()) {
        throw new AssertionError("no integer at " + o.pos() + ": " + line);
      }
      long v = ((Outcome.Returns) o).value().value();
      // a read's stated bytes go too: with them the changed count would be a syntax error
      tail = (v + 1) + (((Outcome.Returns) o).data() != null ? "" : tail.substring(m.end()));
    } else {
      Matcher m = FAILS.matcher(tail);
      if (!m.lookingAt()) {
        throw new AssertionError("no -1 ERRNO at " + o.pos() + ": " + line);
      }
      String other = m.group(2).equalsIgnoreCase("EIO") ? "ENOENT" : "EIO";
      tail = "-1" + m.group(1) + other + tail.substring(m.end());
    }
    lines[i] = head + tail;
    return String.join("\n", lines);
  }

  static String lineOf(String text, int line) {
    return text.split("\n", -1)[line - 1];
  }

  static List<Path> traces(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.toString().endsWith(".trace")).sorted().toList();
    }
  }

  static Trace parse(String file, String text) {
    return TraceParser.parse(file, text);
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  static String stem(Path p) {
    return name(p).replaceFirst("\\.trace$", "");
  }

  static String name(Path p) {
    return p.getFileName().toString();
  }
}
