package fusesim.mutation;

import fusesim.properties.KnownFindings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the trace corpus is: the system property {@code fusesim.corpus} (set by this module's
 * surefire and PIT configuration, since PIT's minions may not run in the module's directory),
 * else {@code ../traces/corpus}. A wrong path must fail, not silently load nothing.
 */
final class Corpus {
  private Corpus() {}

  static Path dir() {
    Path p = Path.of(System.getProperty("fusesim.corpus", "../traces/corpus"));
    if (!Files.isDirectory(p.resolve("mainline"))) {
      throw new IllegalStateException("no trace corpus at " + p.toAbsolutePath() + " (set -Dfusesim.corpus)");
    }
    return p;
  }

  /** The {@code .trace} files of one corpus folder, sorted by name. */
  static List<Path> traces(String folder) {
    try (Stream<Path> s = Files.list(dir().resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The known-findings registry (traces/corpus/findings); an empty one is an error. */
  static KnownFindings findings() {
    KnownFindings k = KnownFindings.load(dir().resolve("findings"));
    if (k.isEmpty()) {
      throw new IllegalStateException("no known findings under " + dir().resolve("findings"));
    }
    return k;
  }
}
