package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * Coverage-guided fuzzing of the command line (Jazzer; regression mode from
 * {@code src/test/resources/fusesim/cli/CliFuzzTestInputs/arguments/} in mvn verify). Arguments are
 * drawn from the commands' vocabulary, fixture traces (good, malformed, not UTF-8, a directory) and
 * fuzzed words. Whatever they are: an exit code 0-3, no exception, no stack trace, and a message
 * on stderr for bad usage. Commands that run for long ({@code check}, {@code explore},
 * {@code bisect}, {@code spec}) and {@code kernel} where the kernel is usable are only parsed.
 */
class CliFuzzTest {
  private static final Path FIXTURES = fixtures();
  private static final Set<String> RUN = Set.of("replay", "diff", "faults");
  private static final String[] WORDS = {
      "replay", "diff", "faults", "kernel", "check", "explore", "bisect", "spec", "shrink", "fuzz", "cleanup",
      "-q", "--quiet", "--no-state", "--fault", "--from", "--to", "--from-fault", "--to-fault", "--all", "--help",
      "--version", "--seed", "--runs", "--budget", "--out", "--corpus", "--count", "--semantics", "--assume",
      "mainline", "v1", "v2", "v2@3", "v2@99", "-1", "0", "7", "18446744073709551615", "60s", "x", "=", "",
      "good.trace", "bad.trace", "latin1.trace", "dir", "missing.trace", "nested"};

  private static Path fixtures() {
    try {
      Path d = Files.createTempDirectory("fusesim-clifuzz-");
      d.toFile().deleteOnExit();
      Files.writeString(d.resolve("good.trace"), "trace: good\nresult: pass\nmount passthrough\n"
          + "lower file /a ino=10\nT1 stat(\"/a\") = 0\n");
      Files.writeString(d.resolve("bad.trace"), "trace: bad\nresult: pass\nT1 opne(\"/a\") = 3\n");
      Files.write(d.resolve("latin1.trace"), new byte[] {'t', 'r', 'a', 'c', 'e', ':', ' ', (byte) 0xe9, '\n'});
      Files.createDirectories(d.resolve("dir").resolve("nested"));
      Files.copy(d.resolve("good.trace"), d.resolve("dir").resolve("g.trace"));
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fuzzed word made harmless: no @file expansion, no path out of the fixture directory. */
  private static String word(FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      String w = WORDS[data.consumeInt(0, WORDS.length - 1)];
      return w.endsWith(".trace") || w.equals("dir") || w.equals("nested") ? FIXTURES.resolve(w).toString() : w;
    }
    String w = data.consumeString(60).replace('@', '_');
    if (w.startsWith("-")) {
      return w; // an option: picocli's messages
    }
    return FIXTURES.resolve(w.replace('/', '_').replace('.', '_').replace('\0', '_')).toString();
  }

  @FuzzTest(maxDuration = "3m")
  void arguments(FuzzedDataProvider data) {
    int n = data.consumeInt(0, 8);
    List<String> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      args.add(word(data));
    }
    String[] argv = args.toArray(String[]::new);
    boolean run = !args.isEmpty() && (RUN.contains(args.get(0)) || args.get(0).startsWith("--h")
        || args.get(0).startsWith("--v") || args.get(0).equals("kernel")
        && fusesim.kernel.replay.KernelReplay.unavailableReason().isPresent());
    if (!run) {
      try {
        new CommandLine(new Main()).parseArgs(argv);
      } catch (CommandLine.ParameterException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      return;
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), argv);
    assertThat(code).as("exit code of %s", args).isBetween(0, 3);
    assertThat(err.toString()).as("stderr of %s", args).doesNotContain("\tat ").doesNotContain("Exception");
    if (code == 2) {
      assertThat(err.toString()).as("a message for bad usage of %s", args).isNotBlank();
    }
  }
}
