package fusesim.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house layout of model/README.md: every kernel file the model mirrors has one home class, and
 * every {@code @Mirrors(file = F)} sits in the class the table gives for F (a nested class counts
 * as the file it is in), or, for the series' additions to F, in the class of the table's series
 * column.
 */
class HouseLayoutTest {
  private static final Path README = Path.of("README.md");
  private static final Path SRC = Path.of("src/main/java/fusesim/model");
  private static final Pattern ROW =
      Pattern.compile("^\\| ([^|`]+?) \\| `([\\w.]+)` \\|(?: `([\\w.]+)`)? *\\|$");

  /** One row of the table: a kernel file, its home and the class of the series' additions. */
  record Row(String file, String home, String series) {}

  /** One annotated method: where it sits (its outermost class) and what it cites. */
  record Site(String topClass, String member, String file, boolean hasPatches) {}

  /** Parses the rows between the house-table markers; package-visible for the test below. */
  static Map<String, Row> parse(List<String> lines) {
    Map<String, Row> rows = new LinkedHashMap<>();
    boolean in = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.contains("house-table: begin")) {
        in = true;
        continue;
      }
      if (l.contains("house-table: end")) {
        return rows;
      }
      if (!in || !l.startsWith("| ") || l.startsWith("| kernel file") || l.startsWith("|---")) {
        continue;
      }
      Matcher m = ROW.matcher(l);
      if (!m.matches()) {
        throw new IllegalArgumentException("README.md:" + (i + 1) + ": expected | file | `home` | "
            + "[`series`] |, found " + l);
      }
      Row prev = rows.put(m.group(1), new Row(m.group(1), m.group(2), m.group(3)));
      if (prev != null) {
        throw new IllegalArgumentException("README.md:" + (i + 1) + ": " + m.group(1)
            + " has two homes");
      }
    }
    throw new IllegalArgumentException("README.md: no house-table end marker");
  }

  /** The misplaced sites: each as "member cites F (home H)". */
  static List<String> misplaced(Map<String, Row> table, List<Site> sites) {
    List<String> bad = new ArrayList<>();
    for (Site s : sites) {
      Row r = table.get(s.file());
      if (r == null) {
        bad.add(s.member() + " cites " + s.file() + ", which the table lacks");
      } else if (!s.topClass().equals(r.home()) && !s.topClass().equals(r.series())) {
        bad.add(s.member() + " cites " + s.file() + ": its home is " + r.home()
            + (r.series() != null ? " (series additions: " + r.series() + ")" : ""));
      }
    }
    return bad;
  }

  private static Map<String, Row> table() throws IOException {
    return parse(Files.readAllLines(README, StandardCharsets.UTF_8));
  }

  /** Every @Mirrors of the model's classes, found from the sources' class names. */
  private static List<Site> sites() throws Exception {
    List<Site> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(SRC)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String top = SRC.relativize(p).toString().replace(".java", "").replace('/', '.');
        collect(Class.forName("fusesim.model." + top), top, out);
      }
    }
    return out;
  }

  private static void collect(Class<?> c, String top, List<Site> out) {
    List<Executable> ex = new ArrayList<>(List.of(c.getDeclaredMethods()));
    ex.addAll(List.of(c.getDeclaredConstructors()));
    for (Executable e : ex) {
      Mirrors m = e.getAnnotation(Mirrors.class);
      if (m != null && !e.isSynthetic()) {
        String member = c.getName().substring("fusesim.model.".length()).replace('$', '.') + "."
            + e.getName();
        out.add(new Site(top, member, m.file(), m.patches().length > 0));
      }
    }
    for (Class<?> d : c.getDeclaredClasses()) {
      collect(d, top, out);
    }
  }

  @Test
  void everyMirrorsSitsInTheHomeOfItsKernelFile() throws Exception {
    List<Site> sites = sites();
    assertThat(sites).hasSizeGreaterThan(140);
    assertThat(misplaced(table(), sites)).as("move these methods, or fix model/README.md's table")
        .isEmpty();
  }

  @Test
  void everyHomeIsAClassOfTheModel() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Row r : table().values()) {
      for (String c : r.series() == null ? List.of(r.home()) : List.of(r.home(), r.series())) {
        if (!Files.exists(SRC.resolve(c.replace('.', '/') + ".java"))) {
          missing.add(r.file() + " → " + c);
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void everyRowIsCitedByAMirrors() throws Exception {
    List<String> cited = sites().stream().map(Site::file).toList();
    List<String> uncited = table().keySet().stream().filter(f -> !cited.contains(f)).toList();
    assertThat(uncited).as("rows no @Mirrors cites").isEmpty();
  }

  @Test
  void theCheckFindsAMisplacedMethodAndHonoursTheSeriesColumn() {
    Map<String, Row> t = parse(List.of("<!-- house-table: begin -->",
        "| kernel file | home | series additions |", "|---|---|---|",
        "| fs/fuse/dir.c | `fuse.Dir` | `series.InodePassthrough` |",
        "| fs/namei.c | `vfs.Namei` | |", "<!-- house-table: end -->"));
    assertThat(misplaced(t, List.of(
        new Site("fuse.Dir", "fuse.Dir.fuseLookup", "fs/fuse/dir.c", false),
        new Site("series.InodePassthrough", "series.InodePassthrough.a", "fs/fuse/dir.c", true),
        new Site("series.InodePassthrough", "series.InodePassthrough.b", "fs/fuse/dir.c", false),
        new Site("series.InodePassthrough", "series.InodePassthrough.c", "fs/namei.c", true),
        new Site("fuse.Dir", "fuse.Dir.Mknod.vfsChecks", "fs/namei.c", false),
        new Site("vfs.Namei", "vfs.Namei.x", "fs/open.c", false))))
        .containsExactly(
            "series.InodePassthrough.c cites fs/namei.c: its home is vfs.Namei",
            "fuse.Dir.Mknod.vfsChecks cites fs/namei.c: its home is vfs.Namei",
            "vfs.Namei.x cites fs/open.c, which the table lacks");
  }
}
