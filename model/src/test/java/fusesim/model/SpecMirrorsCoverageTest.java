package fusesim.model;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The function table of {@code fusesim spec} is read from {@link Mirrors}; this test keeps it
 * complete: every non-private model method or constructor whose javadoc starts with a kernel
 * function name ({@code fuse_file_io_open()}, {@code dput()}, {@code mount(2)}) must carry
 * {@code @Mirrors}, and every annotation must be well formed.
 */
class SpecMirrorsCoverageTest {
  private static final Path SRC = Path.of("src/main/java/fusesim/model");
  /** A javadoc whose text starts with a lower-case identifier and '(' names a kernel function. */
  static final Pattern KERNEL_FN = Pattern.compile("^([a-z][a-z0-9_]*)\\(");

  /** One javadoc'd declaration that names a kernel function. */
  record Site(String file, int line, String fn, String decl, boolean annotated, boolean priv) {}

  /** Scans one source text. Package-visible for the test of the scanner itself. */
  static List<Site> scan(String file, String text) {
    String[] lines = text.split("\n", -1);
    List<Site> sites = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].trim();
      if (!l.startsWith("/**")) {
        continue;
      }
      StringBuilder body = new StringBuilder();
      int j = i;
      while (true) {
        String t = lines[j].trim().replaceFirst("^/\\*\\*", "").replaceFirst("^\\*(?!/)", "");
        boolean end = t.contains("*/");
        body.append(' ').append(end ? t.substring(0, t.indexOf("*/")) : t);
        if (end) {
          break;
        }
        j++;
      }
      i = j;
      Matcher m = KERNEL_FN.matcher(body.toString().trim());
      if (!m.find()) {
        continue;
      }
      // the declaration: skip annotations (which may span lines, until parentheses balance)
      boolean annotated = false;
      int k = j + 1;
      while (k < lines.length && lines[k].trim().startsWith("@")) {
        annotated |= lines[k].trim().startsWith("@Mirrors");
        int depth = 0;
        do {
          for (char c : lines[k].toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
          }
          k++;
        } while (depth > 0 && k < lines.length);
      }
      if (k >= lines.length) {
        continue;
      }
      String decl = lines[k].trim();
      boolean isType = decl.matches(".*\\b(class|record|interface|enum)\\b.*");
      boolean isMethod = !isType && decl.contains("(") && !decl.contains("=")
          && !decl.startsWith("return") && !decl.startsWith("case");
      if (isMethod) {
        sites.add(new Site(file, k + 1, m.group(1), decl, annotated, decl.startsWith("private")));
      }
    }
    return sites;
  }

  private static List<Site> allSites() throws IOException {
    List<Site> sites = new ArrayList<>();
    try (Stream<Path> s = Files.walk(SRC)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        sites.addAll(scan(SRC.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
      }
    }
    return sites;
  }

  @Test
  void everyNonPrivateMethodNamingAKernelFunctionCarriesMirrors() throws IOException {
    List<Site> sites = allSites();
    assertThat(sites).as("the scanner finds the model's kernel functions").hasSizeGreaterThan(50);
    List<String> missing = sites.stream().filter(s -> !s.priv() && !s.annotated())
        .map(s -> s.file() + ":" + s.line() + ": " + s.fn() + "() documents " + s.decl()).toList();
    assertThat(missing).as("add @Mirrors(fn, file, patches, doc) to these model methods").isEmpty();
  }

  @Test
  void theScannerSeesAMissingAnnotation() {
    String src = String.join("\n",
        "class X {",
        "  /** fuse_foo_bar(): does things. */",
        "  @Override",
        "  public int fooBar(int a) {",
        "  /** fuse_ok(). */",
        "  @Mirrors(fn = \"fuse_ok\", file = \"fs/fuse/x.c\",",
        "      doc = \"ok\")",
        "  void ok() {",
        "  /** not_a_method(). */",
        "  private static final int X = 1;",
        "  /** helper(): private. */",
        "  private void helper() {",
        "}");
    List<Site> sites = scan("X.java", src);
    assertThat(sites).extracting(Site::fn).containsExactly("fuse_foo_bar", "fuse_ok", "helper");
    assertThat(sites).filteredOn(s -> !s.priv() && !s.annotated()).extracting(Site::fn)
        .containsExactly("fuse_foo_bar");
  }

  @Test
  void everyMirrorsIsWellFormed() throws Exception {
    List<String> bad = new ArrayList<>();
    int n = 0;
    try (Stream<Path> s = Files.walk(SRC)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String name = SRC.relativize(p).toString().replace(".java", "").replace('/', '.');
        for (Class<?> c : withNested(Class.forName("fusesim.model." + name))) {
          List<Executable> ex = new ArrayList<>(List.of(c.getDeclaredMethods()));
          ex.addAll(List.of(c.getDeclaredConstructors()));
          for (Executable e : ex) {
            Mirrors m = e.getAnnotation(Mirrors.class);
            if (m == null) {
              continue;
            }
            n++;
            String where = c.getSimpleName() + "." + e.getName();
            if (m.fn().isBlank() || m.file().isBlank() || m.doc().isBlank()) {
              bad.add(where + ": blank fn, file or doc");
            }
            if (m.doc().contains("\n") || m.doc().length() > 200) {
              bad.add(where + ": doc is not one line of at most 200 characters");
            }
            if (m.doc().contains("|") || m.fn().contains("|") || m.file().contains("|")) {
              bad.add(where + ": '|' would break the Markdown table");
            }
            for (int patch : m.patches()) {
              if (patch < 1 || patch > Semantics.V2_PATCHES) {
                bad.add(where + ": patch " + patch + " is not in v2 1.." + Semantics.V2_PATCHES);
              }
            }
          }
        }
      }
    }
    assertThat(bad).isEmpty();
    assertThat(n).isGreaterThan(80);
  }

  private static List<Class<?>> withNested(Class<?> c) {
    List<Class<?>> out = new ArrayList<>(List.of(c));
    for (Class<?> d : c.getDeclaredClasses()) {
      out.addAll(withNested(d));
    }
    return out;
  }
}
