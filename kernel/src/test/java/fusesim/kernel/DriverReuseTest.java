package fusesim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.driver.DriverClient;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One driver JVM serves consecutive sessions: its threads get each session's credentials, what a
 * session leaves open is closed, a hung step is still caught, and a driver that died or kept a call
 * is replaced. Real kernel; skipped with the probe's reason where it cannot be used.
 */
@Tag("real-kernel")
class DriverReuseTest {
    private KernelSession s;

    @BeforeEach
    void probe() {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
    }

    @AfterEach
    void cleanup() {
        if (s != null) {
            s.close();
        }
        assertThat(Mounts.thisJvmMounts()).as("FUSE mounts left behind").isEmpty();
    }

    private KernelSession session(Duration timeout) {
        if (s != null) {
            s.close();
        }
        s = KernelSession.open(timeout);
        s.lowerFile("/a", 4096, 0644, 0, 0, 10L);
        return s;
    }

    @Test
    void eachSessionsThreadsHaveThatSessionsCredentials() {
        session(Duration.ofSeconds(5)).thread("T1", 1000, 1001);
        s.mount(new ServerConfig().allowOther(true));
        long pid = s.driverPid();
        assertThat(s.credentials("T1")).containsExactly(1000, 1001);
        assertThat(s.credentials("T2")).containsExactly(0, 0);
        session(Duration.ofSeconds(5)).mount(new ServerConfig().allowOther(true));
        assertThat(s.driverPid()).as("the same driver JVM").isEqualTo(pid);
        assertThat(s.credentials("T1")).as("a fresh T1, not the last session's uid 1000").containsExactly(0, 0);
        session(Duration.ofSeconds(5)).thread("T1", 2000, 2000);
        s.mount(new ServerConfig().allowOther(true));
        assertThat(s.driverPid()).isEqualTo(pid);
        assertThat(s.credentials("T1")).containsExactly(2000, 2000);
    }

    @Test
    void fdsAndMappingsASessionLeavesAreClosedForTheNext() throws IOException {
        session(Duration.ofSeconds(5)).mount(new ServerConfig());
        s.syscall("T1", "open", "/a", "O_RDONLY"); // warms the driver's threads and fds
        s.syscall("T1", "close", 3);
        long pid = s.driverPid();
        long before = openFds(pid);
        for (int i = 0; i < 3; i++) {
            session(Duration.ofSeconds(5)).mount(new ServerConfig());
            assertThat(s.syscall("T1", "open", "/a", "O_RDONLY").value()).isEqualTo(3);
            assertThat(s.syscall("T2", "open", "/a", "O_RDONLY").value()).isEqualTo(4);
            assertThat(s.syscall("T1", "mmap", 3, 4096, "PROT_READ", "MAP_SHARED").ok()).isTrue();
        }
        s.close();
        s = null;
        assertThat(openFds(pid)).as("fds of driver " + pid).isLessThanOrEqualTo(before);
        assertThat(Files.readString(Path.of("/proc/" + pid + "/maps"))).doesNotContain("fusesim-mnt");
    }

    @Test
    void aHungStepIsCaughtAndTheDriverServesTheNextSession() {
        session(Duration.ofMillis(500)).mount(new ServerConfig());
        long pid = s.driverPid();
        s.hold("lookup", "/a");
        s.start("T1", "stat", "/a");
        assertThatThrownBy(() -> s.awaitResult("T1")).isInstanceOf(DriverClient.StepTimeoutException.class);
        // the timeout aborted the connection, so the call returned: the driver is reusable
        session(Duration.ofSeconds(5)).mount(new ServerConfig());
        assertThat(s.driverPid()).isEqualTo(pid);
        assertThat(s.syscall("T1", "stat", "/a").ok()).isTrue();
    }

    @Test
    void aDeadDriverIsReplaced() {
        session(Duration.ofSeconds(5)).mount(new ServerConfig());
        long pid = s.driverPid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        assertThatThrownBy(() -> s.syscall("T1", "stat", "/a")).isInstanceOf(IllegalStateException.class);
        session(Duration.ofSeconds(5)).mount(new ServerConfig());
        assertThat(s.driverPid()).isNotEqualTo(pid);
        assertThat(s.syscall("T1", "stat", "/a").ok()).isTrue();
    }

    private static long openFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }
}
