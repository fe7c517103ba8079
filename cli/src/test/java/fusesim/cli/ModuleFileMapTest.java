package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The file map of every module README (as tools/memory-model's "DESCRIPTION OF FILES"): a section
 * {@code ## Files (`src/main/java/fusesim/M/`)} whose entries {@code - `path/Name.java`: what it
 * holds} name every main source file of the module beneath that folder, and nothing else. Here in
 * cli because cli is built after every module; the files are read from the source tree. A
 * {@code package-info.java} is the package's javadoc, not a file to map.
 */
class ModuleFileMapTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern HEADING = Pattern.compile("^## Files \\(`(src/main/java/[\\w/]+/)`\\)$");
  private static final Pattern ENTRY = Pattern.compile("^- `([\\w/]+\\.java)`: \\S.*");

  /** What is wrong with one module's map: files not in it, entries naming no file. */
  static List<String> problems(String readme, List<String> lines, Path module) throws IOException {
    List<String> out = new ArrayList<>();
    String dir = null;
    TreeSet<String> mapped = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher h = HEADING.matcher(lines.get(i));
      if (h.matches()) {
        dir = h.group(1);
        continue;
      }
      if (dir != null && lines.get(i).startsWith("## ")) {
        break;
      }
      Matcher e = ENTRY.matcher(lines.get(i));
      if (dir != null && e.matches()) {
        if (!mapped.add(e.group(1))) {
          out.add(readme + ":" + (i + 1) + ": " + e.group(1) + " is mapped twice");
        } else if (!Files.isRegularFile(module.resolve(dir).resolve(e.group(1)))) {
          out.add(readme + ":" + (i + 1) + ": " + e.group(1) + " names no file in " + dir);
        }
      }
    }
    if (dir == null) {
      out.add(readme + ": no section \"## Files (`src/main/java/fusesim/...`)\"");
      return out;
    }
    for (String f : sources(module.resolve(dir))) {
      if (!mapped.contains(f)) {
        out.add(readme + ": " + dir + f + " is not in the file map");
      }
    }
    return out;
  }

  private static List<String> sources(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java"))
          .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  /** The modules: the folders with main Java sources. */
  private static List<Path> modules() throws IOException {
    try (Stream<Path> s = Files.list(ROOT)) {
      return s.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).sorted().toList();
    }
  }

  @Test
  void everyModuleMapsEveryMainSourceFileAndNothingElse() throws IOException {
    List<Path> modules = modules();
    assertThat(modules).extracting(p -> p.getFileName().toString()).contains("model", "traces", "cli", "kernel");
    List<String> all = new ArrayList<>();
    for (Path m : modules) {
      Path readme = m.resolve("README.md");
      String name = m.getFileName() + "/README.md";
      if (!Files.isRegularFile(readme)) {
        all.add(name + ": missing");
        continue;
      }
      all.addAll(problems(name, Files.readAllLines(readme, StandardCharsets.UTF_8), m));
    }
    assertThat(all).isEmpty();
  }

  @Test
  void aMissingFileAndAStaleEntryAreEachNamed() throws IOException {
    Path module = ROOT.resolve("campaigns");
    List<String> map = new ArrayList<>(Files.readAllLines(module.resolve("README.md"), StandardCharsets.UTF_8));
    assertThat(problems("campaigns/README.md", map, module)).isEmpty();
    int entry = indexOf(map, "- `Differential.java`: ");
    map.set(entry, "- `Diferential.java`: a typo");
    assertThat(problems("campaigns/README.md", map, module)).containsExactly(
        "campaigns/README.md:" + (entry + 1) + ": Diferential.java names no file in src/main/java/fusesim/campaigns/",
        "campaigns/README.md: src/main/java/fusesim/campaigns/Differential.java is not in the file map");
    map.remove(entry);
    assertThat(problems("campaigns/README.md", map, module))
        .containsExactly("campaigns/README.md: src/main/java/fusesim/campaigns/Differential.java is not in the file map");
    assertThat(problems("x/README.md", List.of("# x"), module)).singleElement().asString().contains("no section");
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line " + prefix);
  }
}
