package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.sys.Mounts;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.Observation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile traces that pass the up-front checks, on the real kernel (skipped, with the probe's
 * reason, where it is unusable): the run-time guards hold, nothing outside the sandbox (a canary
 * directory the links aim at) is created or changed, and every mount and directory of this JVM is
 * gone afterwards, also when an assertion failed (the after-check tears down what is left, then
 * fails).
 */
@Tag("real-kernel")
class HostileKernelTest {
  private static final String HEAD = "trace: hostile\nsemantics: mainline\nresult: pass\nmount passthrough\n"
      + "lower file /a ino=10 size=4096\n";

  @TempDir
  Path dir;

  private Path canary;

  @BeforeEach
  void probe() throws IOException {
    KernelProbe p = KernelProbe.get();
    Assumptions.assumeTrue(p.usable(), p.reason());
    canary = Files.createDirectory(dir.resolve("canary-dir"));
    Files.writeString(canary.resolve("canary"), "canary");
  }

  @AfterEach
  void nothingLeftAndNothingOutsideChanged() throws IOException {
    if (canary == null) {
      return; // skipped
    }
    List<String> left = Mounts.thisJvmMounts();
    left.forEach(m -> Mounts.teardown(Path.of(m)));
    assertThat(left).as("mounts this JVM left (torn down now)").isEmpty();
    try (Stream<Path> s = Files.list(canary)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("canary");
    }
    assertThat(Files.readString(canary.resolve("canary"))).isEqualTo("canary");
    String mine = "-" + ProcessHandle.current().pid() + "-";
    for (Path base : List.of(Mounts.BASE, Mounts.LOWER_BASE)) {
      try (Stream<Path> s = Files.list(base)) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("fusesim-") && n.contains(mine)))
            .as("directories of this JVM left in " + base).isEmpty();
      }
    }
  }

  private KernelReplayResult run(String body) {
    return KernelReplay.run(TraceParser.parse("hostile.trace", HEAD + body.replace("CANARY", canary.toString())));
  }

  @Test
  void aBackingOpenOfAnFdTheOracleHasOpenIsRefused() {
    // fd 0 is the JVM's stdin: as a backing file, the mount would read and write through it
    KernelReplayResult r = run("server backing_open fd=0 = -1 EBADF\n");
    assertThat(r.observations().stream().map(Observation::verdict))
        .anyMatch(v -> v != null && v.contains("refused by the sandbox"));
  }

  @Test
  void anAbsoluteLinkThatIsNeverFollowedRunsAndChangesNothing() {
    KernelReplayResult r = run("T1 symlink(\"CANARY\", \"/l\") = 0\nT1 lstat(\"/l\") = 0\nT1 unlink(\"/l\") = 0\n");
    assertThat(r.observations()).isNotEmpty();
  }

  @Test
  void aLinkInsideTheMountIsFollowedAsUsual() {
    KernelReplayResult r = run("T1 symlink(\"a\", \"/l\") = 0\nT1 stat(\"/l\") = 0\nT1 open(\"/l\", O_RDWR) = 3\n"
        + "T1 write(3, 10) = 10\nT1 close(3) = 0\n");
    assertThat(r.allMet()).as(r.report()).isTrue();
  }
}
