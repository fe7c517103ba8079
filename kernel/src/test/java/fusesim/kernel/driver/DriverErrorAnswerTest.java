package fusesim.kernel.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A failing syscall is answered with its errno name, not left without an answer. The driver runs
 * in its own JVM on {@link DriverClient#classpath()}: when that classpath lacked the model (whose
 * {@code Errno} names the error), every failing step hung until its timeout while succeeding ones
 * passed. Needs no /dev/fuse: the paths are outside any mount.
 */
class DriverErrorAnswerTest {
  private static final Duration STEP = Duration.ofSeconds(20);

  @Test
  void aFailingSyscallIsAnsweredWithItsErrnoName() {
    try (DriverClient d = DriverClient.start()) {
      d.thread("T1", 0, 0, STEP);
      Result missing = DriverClient.await(d.call("T1", "open", "/nonexistent/fusesim-" + ProcessHandle.current().pid(),
          0, 0), STEP, "open");
      assertThat(missing.ok()).isFalse();
      assertThat(missing.errno()).isEqualTo("ENOENT");
      Result dir = DriverClient.await(d.call("T1", "open", "/", 0, 0), STEP, "open /");
      assertThat(dir.ok()).as("a succeeding call next to it").isTrue();
      Result notDir = DriverClient.await(d.call("T1", "open", "/proc/self/status/x", 0, 0), STEP, "open");
      assertThat(notDir.errno()).isEqualTo("ENOTDIR");
    }
  }

  @Test
  void theDriversClasspathHoldsTheModel() {
    assertThat(DriverClient.classpath().split(java.io.File.pathSeparator))
        .anySatisfy(p -> assertThat(Path.of(p).toString()).contains("model"));
  }
}
