package fusesim.cli.spec;

import fusesim.model.Mirrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The modelled kernel functions: every {@link Mirrors} annotation on a method or constructor of
 * the model classes (package {@code fusesim.model} and its sub-packages), found by reflection over the classes of the
 * jar or directory that holds the model.
 */
public final class ModelFunctions {
  private ModelFunctions() {}

  /** One annotated model method. {@code method} is e.g. {@code fuse.Iomode.fuseFileIoOpen}. */
  public record Entry(String fn, String file, List<Integer> patches, String doc, String method) {}

  private static final String PKG = "fusesim/model/";

  /** Every @Mirrors entry, sorted by kernel file, then function, then model method. */
  public static List<Entry> all() {
    List<Entry> out = new ArrayList<>();
    for (String name : modelClassNames()) {
      Class<?> c;
      try {
        c = Class.forName(name, false, Mirrors.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      List<Executable> ex = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
      ex.addAll(Arrays.asList(c.getDeclaredConstructors()));
      for (Executable e : ex) {
        Mirrors m = e.getAnnotation(Mirrors.class);
        if (m == null || e.isSynthetic()) {
          continue;
        }
        String owner = c.getName().substring("fusesim.model.".length()).replace('$', '.');
        String method = e instanceof Constructor<?> ? "new " + owner : owner + "." + e.getName();
        List<Integer> patches = Arrays.stream(m.patches()).sorted().boxed().toList();
        out.add(new Entry(m.fn(), m.file(), patches, m.doc(), method));
      }
    }
    out.sort(Comparator.comparing(Entry::file).thenComparing(Entry::fn).thenComparing(Entry::method));
    return out;
  }

  /** Visibility of a member, for tests. */
  static boolean isPrivate(Executable e) {
    return Modifier.isPrivate(e.getModifiers());
  }

  /** The binary names of the classes of package fusesim.model and its sub-packages, sorted. */
  static TreeSet<String> modelClassNames() {
    TreeSet<String> names = new TreeSet<>();
    Path where;
    try {
      where = Path.of(Mirrors.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the model classes: " + e.getMessage(), e);
    }
    try {
      if (Files.isDirectory(where)) {
        Path dir = where.resolve(PKG);
        try (Stream<Path> s = Files.walk(dir)) {
          s.map(p -> dir.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
              .filter(n -> n.endsWith(".class"))
              .forEach(n -> names.add("fusesim.model." + n.substring(0, n.length() - 6).replace('/', '.')));
        }
      } else {
        try (JarFile jar = new JarFile(where.toFile())) {
          Enumeration<JarEntry> en = jar.entries();
          while (en.hasMoreElements()) {
            String n = en.nextElement().getName();
            if (n.startsWith(PKG) && n.endsWith(".class")) {
              names.add(n.substring(0, n.length() - 6).replace('/', '.'));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
