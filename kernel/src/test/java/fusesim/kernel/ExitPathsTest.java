package fusesim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.driver.DriverClient;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every exit path of a kernel session leaves no mount and no temp directory (issue 16 §3), in the
 * processes of this JVM: the syscall driver killed with SIGKILL mid-call and between steps, and a
 * server that never replies. The server JVM killed mid-trace and between steps is
 * {@link StaleCleanupTest}'s. After each, a new session works: the dead driver is not reused.
 */
@Tag("real-kernel")
class ExitPathsTest {
  private static final Duration STEP = Duration.ofSeconds(2);
  private KernelSession s;
  private Path lower;

  @BeforeEach
  void open() {
    KernelProbe p = KernelProbe.get();
    Assumptions.assumeTrue(p.usable(), p.reason());
    s = KernelSession.open(STEP);
    s.lowerFile("/a", 10, 0644, 0, 0, 10L);
    s.mount(new ServerConfig());
    lower = s.tree().root();
  }

  @AfterEach
  void cleanup() {
    if (s != null) {
      s.close();
    }
    assertThat(Mounts.thisJvmMounts()).as("FUSE mounts left behind").isEmpty();
  }

  private void assertCleanAfterClose(Path mnt) {
    assertCleanAfterClose(mnt, -1);
  }

  /** Closes the session, checks nothing is left, and that a new session works on a live driver. */
  private void assertCleanAfterClose(Path mnt, long deadDriver) {
    s.close();
    assertThat(Mounts.thisJvmMounts()).as("mounts").isEmpty();
    assertThat(Mounts.ourMounts()).doesNotContain(mnt.toString());
    assertThat(Files.exists(lower)).as("lower tree %s removed", lower).isFalse();
    try (KernelSession next = KernelSession.open(STEP)) {
      next.lowerFile("/b", 10, 0644, 0, 0, 11L);
      next.mount(new ServerConfig());
      assertThat(next.syscall("T1", "stat", "/b").ok()).as("the next session works").isTrue();
      assertThat(next.driverPid()).as("a fresh driver, not the dead one").isNotEqualTo(deadDriver);
    }
    assertThat(Mounts.thisJvmMounts()).isEmpty();
  }

  private static ProcessHandle sigkill(long pid) throws Exception {
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
    return h;
  }

  /**
   * SIGKILL cannot end a task whose FUSE request the server has read: request_wait_answer()
   * (fs/fuse/dev.c) bails out on a fatal signal only while the request is still pending, and then
   * waits uninterruptibly for the reply. So the killed driver stays until the session's step
   * timeout aborts the connection (fuse_abort_conn ends the request), and only then exits.
   */
  @Test
  void driverKilledMidCall() throws Exception {
    Path mnt = s.mountpoint();
    s.hold("lookup", "/a");
    s.start("T1", "stat", "/a");
    assertThat(s.isBlocked("T1")).as("stat blocked on the held LOOKUP").isTrue();
    long pid = s.driverPid();
    ProcessHandle driver = sigkill(pid);
    Thread.sleep(500);
    assertThat(driver.isAlive()).as("killed, but waiting for the sent LOOKUP's reply").isTrue();
    assertThatThrownBy(() -> s.awaitResult("T1")).as("the step times out and aborts the connection")
        .isInstanceOf(DriverClient.StepTimeoutException.class);
    driver.onExit().get(10, TimeUnit.SECONDS);
    assertCleanAfterClose(mnt, pid);
  }

  @Test
  void driverKilledBetweenSteps() throws Exception {
    Path mnt = s.mountpoint();
    assertThat(s.syscall("T1", "stat", "/a").ok()).isTrue();
    long pid = s.driverPid();
    sigkill(pid).onExit().get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> s.syscall("T1", "stat", "/a")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("driver");
    assertCleanAfterClose(mnt, pid);
  }

  @Test
  void serverThatNeverReplies() {
    Path mnt = s.mountpoint();
    s.hold("lookup", "/a"); // held and never released: the server is hung for this request
    s.start("T1", "stat", "/a");
    assertThatThrownBy(() -> s.awaitResult("T1")).isInstanceOf(DriverClient.StepTimeoutException.class)
        .hasMessageContaining("did not return within " + STEP.toMillis() + " ms");
    assertCleanAfterClose(mnt);
  }
}
