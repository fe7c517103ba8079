package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.cli.spec.ModelFunctions;
import fusesim.cli.spec.SpecDoc;
import fusesim.model.series.Assumption;
import fusesim.model.series.Patch;
import fusesim.invariants.Invariant;
import fusesim.invariants.Invariants;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fusesim spec}: the pages, their content, determinism and bad input. */
class SpecCommandTest {
  private static final List<String> PAGES = List.of(SpecDoc.README, SpecDoc.FUNCTIONS,
      SpecDoc.INVARIANTS, SpecDoc.ASSUMPTIONS, SpecDoc.PATCHES, SpecDoc.ERRORS, SpecDoc.FINDINGS);
  private static final String CORPUS = Path.of("..", "traces", "corpus").toString();

  @TempDir
  static Path tmp;
  static Path first;

  record Run(int code, String out, String err) {}

  static Run spec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "spec";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void generate() {
    first = tmp.resolve("first");
    Run r = spec("--out", first.toString(), "--corpus", CORPUS, "--runs", "40");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
  }

  private static String page(String name) throws IOException {
    return Files.readString(first.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void writesTheIndexAndOnePagePerSection() throws IOException {
    for (String p : PAGES) {
      assertThat(first.resolve(p)).isRegularFile();
    }
    String readme = page(SpecDoc.README);
    for (String p : PAGES.subList(1, PAGES.size())) {
      assertThat(readme).contains("](" + p + ")");
    }
  }

  @Test
  void theOutputIsDeterministicByteForByte() throws IOException {
    Path second = tmp.resolve("second");
    Run r = spec("--out", second.toString(), "--corpus", CORPUS, "--runs", "40");
    assertThat(r.code()).isZero();
    for (String p : PAGES) {
      assertThat(Files.readAllBytes(second.resolve(p))).as(p)
          .isEqualTo(Files.readAllBytes(first.resolve(p)));
    }
  }

  @Test
  void everyAssumptionAppearsWithItsEvidenceAndChoices() throws IOException {
    String a = page(SpecDoc.ASSUMPTIONS);
    assertThat(Assumption.ALL).hasSizeGreaterThanOrEqualTo(10);
    for (Assumption as : Assumption.ALL) {
      assertThat(a).contains("## " + as.id() + ": " + as.key() + "\n");
      assertThat(a).contains("- **Evidence:** " + md(as.evidence()) + "\n");
      assertThat(a).contains("- **Default:** `" + as.defaultChoice() + "`");
      for (Assumption.Choice c : as.choices().subList(1, as.choices().size())) {
        assertThat(a).contains("### " + as.id() + "=" + c.name() + "\n");
      }
    }
  }

  @Test
  void everyPatchHasARowAndASection() throws IOException {
    String p = page(SpecDoc.PATCHES);
    for (Patch patch : Patch.V2) {
      assertThat(p).contains("| [" + String.format("%02d", patch.number()) + "](#patch-"
          + patch.number() + ") | " + patch.author() + " | ");
      assertThat(p).contains("\n## Patch " + patch.number() + "\n");
    }
  }

  @Test
  void everyInvariantIsListedWithItsSource() throws IOException {
    String p = page(SpecDoc.INVARIANTS);
    for (Invariant inv : Invariants.ALL) {
      assertThat(p).contains("| [" + inv.id() + "](#" + inv.id().toLowerCase() + ") | ");
      assertThat(p).contains("\n## " + inv.id() + "\n");
      assertThat(p).contains("- **Source:** " + md(inv.source()) + "\n");
    }
  }

  @Test
  void theFunctionsTableListsEveryMirrorsMethod() throws IOException {
    String p = page(SpecDoc.FUNCTIONS);
    List<ModelFunctions.Entry> all = ModelFunctions.all();
    assertThat(all).hasSizeGreaterThan(80);
    assertThat(all).extracting(ModelFunctions.Entry::method)
        .contains("fuse.Iomode.fuseFileIoOpen", "series.InodePassthrough.fuseInodePassthrough",
            "vfs.Open.DoSysOpen.run", "fuse.Inode.fuseKillSbAnon");
    long rows = p.lines().filter(l -> l.startsWith("| `")).count();
    assertThat(rows).isEqualTo(all.size());
    for (ModelFunctions.Entry e : all) {
      assertThat(p).contains("| `" + e.fn().replace("|", "\\|") + "` | `" + e.file() + "` | `"
          + e.method() + "` | ");
    }
  }

  @Test
  void theErrorTableListsEveryRow() throws IOException {
    String p = page(SpecDoc.ERRORS);
    for (fusesim.cli.spec.ErrorTable.Row r : fusesim.cli.spec.ErrorTable.ROWS) {
      assertThat(p).contains("](#err-" + r.id() + ") |");
      assertThat(p).contains("\n### err-" + r.id() + "\n");
    }
  }

  @Test
  void missingOutIsOneLineAndExit2() {
    Run r = spec("--corpus", CORPUS);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("--out");
  }

  @Test
  void unwritableOutIsOneLineAndExit2() throws IOException {
    Path file = tmp.resolve("plain-file");
    Files.writeString(file, "x");
    Run r = spec("--out", file.resolve("sub").toString(), "--corpus", CORPUS, "--runs", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).startsWith("fusesim: cannot write to ");
  }

  /** The escaping SpecDoc applies to free text outside code spans. */
  private static String md(String s) {
    return s.replace("\\", "\\\\").replace("<", "\\<").replace("*", "\\*").replace("_", "\\_");
  }

  @Test
  void findingsPageNamesTraceFirstPatchChoicesAndHowToReproduce() throws IOException {
    String f = page(SpecDoc.FINDINGS);
    // the mainline LOOKUP-EIO nlookup leak, found on the kernel
    assertThat(f).contains("## A mainline behaviour found on the kernel that looks like a bug")
        .contains("### lookup-mode-0-eio-no-forget: NLOOKUP-BALANCE")
        .contains("./fusesim kernel replay traces/corpus/mainline/lookup-mode-0-eio-no-forget.trace");
    // the series' INO-MAP break under the defaults: first shown by v2@13 (passthrough lookup)
    int i = f.indexOf("### ino-rule-attr-ino-two-nodeids-share-backing: INO-MAP");
    assertThat(i).isPositive();
    String section = f.substring(i, f.indexOf("\n### ", i + 5));
    assertThat(section).contains("v2 13/21").contains("assumption choices: the defaults")
        .contains("server lookup /c entry nodeid=99 ino=10 backing=1")
        .contains("./fusesim repro traces/corpus/v2/ino-rule-attr-ino-two-nodeids-share-backing.trace");
    assertThat(page(SpecDoc.README)).contains("(" + SpecDoc.FINDINGS + ")");
  }

  @Test
  void rstFormatParses() throws IOException {
    Path rst = tmp.resolve("rst");
    Run r = spec("--out", rst.toString(), "--corpus", CORPUS, "--runs", "0", "--format", "rst");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    java.util.Set<String> files = new java.util.TreeSet<>();
    try (var s = Files.list(rst)) {
      s.forEach(p -> files.add(p.getFileName().toString()));
    }
    assertThat(files).contains("index.rst", "findings.rst", "diagrams.rst", "io-mode.dot", "dentry.dot");
    for (String f : files) {
      if (f.endsWith(".rst")) {
        String text = Files.readString(rst.resolve(f), StandardCharsets.UTF_8);
        assertThat(fusesim.cli.spec.RstCheckAccess.check(text, files)).as(f).isEmpty();
      }
    }
    assertThat(Files.readString(rst.resolve("diagrams.rst"))).contains(".. kernel-figure:: io-mode.dot");
    assertThat(spec("--out", rst.toString(), "--format", "html").code()).isEqualTo(2);
  }
}
