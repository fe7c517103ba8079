package fusesim.kernel.driver;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.vfs.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel driver executes every syscall of the model's one list ({@link SyscallTable}): each
 * entry has a {@code case} in {@link Syscalls}' dispatch (read from its source, so the check
 * needs no kernel). {@code creat} is the exception: KernelReplay sends it as open(O_CREAT |
 * O_WRONLY | O_TRUNC), as the table's own creat is.
 */
class DriverSyscallsTest {
  private static final Path SRC = Path.of("src/main/java/fusesim/kernel/driver/Syscalls.java");
  static final Set<String> SENT_AS_ANOTHER = Set.of("creat");

  /** The case labels of the {@code run(String op, ...)} switch. */
  static Set<String> dispatched(String source) {
    int from = source.indexOf("List<String> run(String op");
    int to = source.indexOf("default ->", from);
    Set<String> ops = new TreeSet<>();
    Matcher c = Pattern.compile("case ((?:\"[a-z0-9_]+\"(?:, )?)+) ->").matcher(source.substring(from, to));
    while (c.find()) {
      Matcher n = Pattern.compile("\"([a-z0-9_]+)\"").matcher(c.group(1));
      while (n.find()) {
        ops.add(n.group(1));
      }
    }
    return ops;
  }

  static List<String> missing(Set<String> ops) {
    List<String> out = new ArrayList<>();
    for (SyscallTable.Entry e : SyscallTable.entries()) {
      if (!ops.contains(e.name()) && !SENT_AS_ANOTHER.contains(e.name())) {
        out.add(e.name());
      }
    }
    return out;
  }

  @Test
  void theDriverHandlesEverySyscallOfTheModelsTable() throws IOException {
    Set<String> ops = dispatched(Files.readString(SRC, StandardCharsets.UTF_8));
    assertThat(ops).contains("open", "read", "readlink");
    assertThat(missing(ops)).as("add a case to Syscalls.run for these").isEmpty();
  }

  @Test
  void aMissingCaseIsReported() {
    String src = "List<String> run(String op, List<String> a) {\n return switch (op) {\n"
        + " case \"open\" -> x;\n case \"stat\", \"lstat\" -> y;\n default -> z;\n";
    Set<String> ops = dispatched(src);
    assertThat(ops).containsExactly("lstat", "open", "stat");
    assertThat(missing(ops)).contains("read", "close").doesNotContain("open", "stat", "creat");
  }
}
