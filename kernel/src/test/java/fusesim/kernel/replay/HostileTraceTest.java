package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.sys.Mounts;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile traces that the kernel oracle refuses up front, before it creates a directory, opens
 * /dev/fuse or mounts: {@code KernelReplay.run} throws the located error whether or not the kernel
 * is usable here, and nothing outside (a canary directory the links aim at, the oracle's
 * directories, the mount table) changes. Paths with {@code ..} and the like never parse at all
 * (traces' HostilePathTest).
 */
class HostileTraceTest {
  private static final String HEAD = "trace: hostile\nresult: pass\nmount passthrough\nlower file /a ino=10\n";

  @TempDir
  static Path dir;

  private static Path canary;
  private List<String> mountsBefore;

  /** One hostile trace: what it tries, its body (CANARY = the outside directory), the refusal. */
  record Case(String kind, String body, String refusal) {
    @Override
    public String toString() {
      return kind;
    }
  }

  static List<Case> cases() {
    String bigLower = "lower dir /many\n" + Stream.iterate(0, i -> i + 1).limit(SandboxChecks.MAX_LOWER_NODES)
        .map(i -> "lower file /many/f" + i + "\n").reduce("", String::concat);
    String threads = Stream.iterate(1, i -> i + 1).limit(SandboxChecks.MAX_THREADS + 1)
        .map(i -> "T" + i + " stat(\"/a\") = 0\n").reduce("", String::concat);
    String statements = "T1 stat(\"/a\") = 0\n".repeat(SandboxChecks.MAX_STATEMENTS);
    return List.of(
        new Case("absolute symlink into the host, then created through",
            "T1 symlink(\"CANARY\", \"/l\") = 0\nT1 open(\"/l/x\", O_RDWR|O_CREAT, 0644) = 3\n",
            "\"/l/x\" resolves through the symbolic link /l"),
        new Case("absolute symlink, then chmod through it",
            "T1 symlink(\"CANARY/canary\", \"/l\") = 0\nT1 chmod(\"/l\", 0777) = 0\n", "symbolic link /l"),
        new Case("dot-dot symlink target, then stat through it",
            "T1 symlink(\"../../../..\", \"/up\") = 0\nT1 stat(\"/up/etc\") = 0\n", "symbolic link /up"),
        new Case("a harmless-looking link chained to an escaping one",
            "T1 symlink(\"e\", \"/f\") = 0\nT1 symlink(\"/etc\", \"/e\") = 0\nT1 open(\"/f/passwd\", O_RDONLY) = 3\n",
            "symbolic link /f"),
        new Case("escaping link renamed, then followed",
            "T1 symlink(\"/\", \"/r\") = 0\nT1 rename(\"/r\", \"/s\") = 0\nT1 truncate(\"/s/x\", 0) = 0\n",
            "symbolic link /s"),
        new Case("lower file created through an escaping link",
            "T1 symlink(\"CANARY\", \"/l\") = 0\nlower file /l/planted size=1\n", "symbolic link /l"),
        new Case("backing file opened through an escaping link",
            "T1 symlink(\"CANARY\", \"/l\") = 0\nserver backing_open mount:/l/canary = 1\n", "symbolic link /l"),
        new Case("lower file too large", "lower file /big size=" + (SandboxChecks.MAX_FILE_BYTES + 1) + "\n",
            "limit on the size of a lower file"),
        new Case("lower set size too large", "lower set /a size=" + (1L << 40) + "\n", "limit on the size"),
        new Case("one huge read", "T1 open(\"/a\", O_RDONLY) = 3\nT1 read(3, " + (1L << 31) + ") = 0\n",
            "limit on one read or write"),
        new Case("fallocate of a terabyte",
            "T1 open(\"/a\", O_RDWR) = 3\nT1 fallocate(3, 0, 0, " + (1L << 40) + ") = 0\n", "limit on a file's length"),
        new Case("server reply data too large", "server read /a data size=" + (1L << 30) + "\n",
            "limit on the data of a server reply"),
        new Case("ticks adding up to hours", "tick 10s\n".repeat(7), "limit on tick time per trace"),
        new Case("too many threads", threads, "limit on threads per trace"),
        new Case("too many lower nodes", bigLower, "limit on lower files"),
        new Case("too many statements", statements, "limit on statements per trace"));
  }

  @BeforeEach
  void canary() throws IOException {
    canary = dir.resolve("canary-dir");
    if (!Files.exists(canary)) {
      Files.createDirectory(canary);
      Files.writeString(canary.resolve("canary"), "canary");
    }
    mountsBefore = Mounts.thisJvmMounts(); // another run may be using the kernel meanwhile
  }

  @AfterEach
  void nothingOutsideChanged() throws IOException {
    try (Stream<Path> s = Files.list(canary)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("canary");
    }
    assertThat(Files.readString(canary.resolve("canary"))).isEqualTo("canary");
    assertThat(Mounts.thisJvmMounts()).as("mounts of this JVM").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedBeforeTheKernelIsTouched(Case c) {
    Trace t = TraceParser.parse("hostile.trace", HEAD + c.body().replace("CANARY", canary.toString()));
    assertThatThrownBy(() -> KernelReplay.run(t)).isInstanceOf(TraceSemanticError.class)
        .hasMessageStartingWith("hostile.trace:").hasMessageContaining(c.refusal());
    assertThat(Mounts.thisJvmMounts()).isEqualTo(mountsBefore);
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "T1 symlink(\"a\", \"/l\") = 0\nT1 stat(\"/l\") = 0\n",
      "T1 symlink(\"/etc/passwd\", \"/l\") = 0\nT1 lstat(\"/l\") = 0\nT1 readlink(\"/l\") = 11\nT1 unlink(\"/l\") = 0\n",
  })
  void linksThatStayInsideOrAreNeverFollowedPassTheChecks(String body) {
    TraceChecks.check(TraceParser.parse("ok.trace", HEAD + body));
  }

  @org.junit.jupiter.api.Test
  void kernelFuzzCutsAGeneratedTraceBeforeWhatTheSandboxRefuses() {
    // the generator's symlink("/a", P) (entry ops), then a stat through it: cut before the stat
    Trace t = TraceParser.parse("g.trace", HEAD + "T1 symlink(\"/a\", \"/l\") = 0\nT1 stat(\"/l\") = 0\n"
        + "T1 stat(\"/a\") = 0\n");
    assertThat(SandboxChecks.allowedPrefix(t.body())).isEqualTo(t.body().subList(0, t.body().size() - 2));
    assertThat(Expressible.cut(t.body())).hasSize(t.body().size() - 2);
  }
}
