package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The full-model explorer: exact encoding, shortest counterexamples, bad bounds, determinism. */
class ModelExplorerTest {
  private static Bounds bounds(int depth, Set<Fault> faults) {
    return new Bounds(Semantics.MAINLINE, depth, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, faults, List.of(), true,
        true, 2);
  }

  private static ModelPath run(String... lines) {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    ModelPath p = new ModelPath(setup);
    for (String l : lines) {
      assertThat(p.run(l, true, setup)).as(l).isEqualTo(ModelPath.Status.OK);
    }
    return p;
  }

  @Test
  void encodingIsExactUpToIdentity() {
    ModelEncoder e = new ModelEncoder();
    String[] w = {"mount passthrough", "lower file /f1 ino=11 size=4096", "lower file /f2 ino=12 size=4096"};
    // the same state reached by different histories encodes equal (serials and the request log differ)
    byte[] a = e.encode(run(w[0], w[1], w[2], "T1 stat(\"/f1\") = 0").kernel());
    byte[] b = e.encode(run(w[0], w[1], w[2], "server hold write", "server unhold write", "drop_caches",
        "T1 stat(\"/f1\") = 0").kernel());
    assertThat(b).containsExactly(a);
    // an open file is a different state; so is the other file open
    byte[] c = e.encode(run(w[0], w[1], w[2], "server open /f1 cached", "T1 open(\"/f1\", O_RDONLY) = 3").kernel());
    assertThat(c).isNotEqualTo(b);
    byte[] d = e.encode(run(w[0], w[1], w[2], "server open /f1 cached", "T1 open(\"/f2\", O_RDONLY) = 3").kernel());
    assertThat(d).isNotEqualTo(c);
  }

  /** Every skipped field still exists: a rename in the model would otherwise encode a history field. */
  @Test
  void skippedFieldsExist() throws Exception {
    for (String f : EncodedFields.SKIPPED.keySet()) {
      int dot = f.lastIndexOf('.');
      Class<?> c = Class.forName(f.substring(0, dot));
      Field field = c.getDeclaredField(f.substring(dot + 1));
      assertThat(field).isNotNull();
    }
    assertThat(EncodedFields.fields(Kernel.class)).extracting(Field::getName).doesNotContain("log", "notes");
  }

  @Test
  void shortestCounterexampleForAPlantedFaultReplays() throws Exception {
    Path out = Files.createTempDirectory("explore-test");
    Explore ex = new Explore(bounds(3, Set.of(Fault.RELEASE_SKIPS_IO_RELEASE)), Explore.Engine.FULL, out);
    StringWriter sw = new StringWriter();
    int code = ex.run(new PrintWriter(sw), new PrintWriter(new StringWriter()));
    assertThat(code).isEqualTo(1);
    assertThat(sw.toString()).contains("IOCACHECTR         violated at depth 2");
    String text = Files.readString(out.resolve("explore-full-release-skips-io-release-IOCACHECTR.trace"));
    assertThat(text).contains("result: violates IOCACHECTR at line 14").endsWith("T1 close(3) = 0\n");
  }

  @Test
  void everyInvariantHoldsOnMainlineAndNoMoveIsInvalid() {
    ModelExplorer ex = new ModelExplorer(bounds(4, Set.of()), null);
    CoreExplorer.Stats s = ex.run();
    assertThat(ex.violations().values()).allMatch(v -> v == null);
    assertThat(ex.invalid).as(String.valueOf(ex.firstInvalid)).isZero();
    assertThat(s.distinct).isGreaterThan(1000);
  }

  @Test
  void outputIsDeterministic() throws Exception {
    String[] texts = new String[2];
    for (int i = 0; i < 2; i++) {
      Path out = Files.createTempDirectory("explore-det");
      Bounds b = new Bounds(Semantics.MAINLINE, 3, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED,
          Set.of(Fault.BACKING_CLOSE_DOUBLE_PUT), List.of(), true, true, i + 1);
      StringWriter sw = new StringWriter();
      new Explore(b, Explore.Engine.FULL, out).run(new PrintWriter(sw), new PrintWriter(new StringWriter()));
      StringBuilder all = new StringBuilder();
      for (String l : sw.toString().split("\n")) {
        if (!l.startsWith("time:") && !l.startsWith("memory:")) {
          all.append(l.replace(out.toString(), "OUT")).append('\n');
        }
      }
      try (var files = Files.list(out)) {
        for (Path p : files.sorted().toList()) {
          all.append(Files.readString(p));
        }
      }
      texts[i] = all.toString();
    }
    assertThat(texts[1]).isEqualTo(texts[0]).contains("violated");
  }

  @Test
  void badBoundsAreRefusedWithOneLine() {
    Map<Bounds, String> bad = Map.of(
        new Bounds(Semantics.MAINLINE, -1, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true, true, 1),
        "--depth must be 0 or more, got -1",
        new Bounds(Semantics.MAINLINE, 3, 0, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true, true, 1),
        "--inodes must be at least 1, got 0");
    bad.forEach((b, msg) -> assertThatThrownBy(() -> new Explore(b, Explore.Engine.FULL, Path.of("out")).check())
        .isInstanceOf(IllegalArgumentException.class).hasMessage(msg));
    Bounds v2core = new Bounds(Semantics.v2(21), 3, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true,
        true, 1);
    assertThatThrownBy(() -> new Explore(v2core, Explore.Engine.CORE, Path.of("out")).check())
        .hasMessageContaining("mainline only");
    // far too large: refused up front with an estimate
    Bounds huge = new Bounds(Semantics.MAINLINE, Integer.MAX_VALUE, 12, 4, 9, 7, 0, ServerMode.WELL_BEHAVED,
        Set.of(), List.of(), true, false, 1);
    assertThatThrownBy(() -> new Explore(huge, Explore.Engine.CORE, Path.of("out")).check())
        .hasMessageContaining("would need about").hasMessageContaining("heap");
  }
}
