package fusesim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Mounts;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A run killed mid-way (SIGKILL of its JVM) leaves a mount; the next session removes it. */
@Tag("real-kernel")
class StaleCleanupTest {

    /**
     * Child JVM: mounts, prints the mountpoint, then waits to be killed. With the argument
     * {@code mid-trace} it first starts a stat in its driver process that blocks on a held LOOKUP
     * (a trace killed mid-way), and prints the driver's pid too.
     */
    public static void main(String[] args) throws Exception {
        KernelSession s = KernelSession.open();
        s.lowerFile("/a", 10, 0644, 0, 0, null);
        s.mount(new ServerConfig());
        System.out.println(s.mountpoint());
        if (args.length > 0 && args[0].equals("mid-trace")) {
            s.hold("lookup", "/a");
            s.start("T1", "stat", "/a");
            if (!s.isBlocked("T1")) {
                throw new IllegalStateException("stat did not block");
            }
            System.out.println(s.driverPid());
        }
        System.out.flush();
        Thread.sleep(60_000);
    }

    /**
     * The server JVM is killed while a trace thread is blocked in the kernel on a held request: its
     * /dev/fuse closes, the kernel aborts the connection, the blocked call returns, the driver
     * process (whose stdin was the dead JVM) exits, and the next session's cleanup removes the
     * mount.
     */
    @Test
    void serverKilledMidTraceIsCleanedUpByNextSession() throws Exception {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StaleCleanupTest.class.getName(), "mid-trace").directory(new java.io.File("/")).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            String mnt = out.readLine();
            String driver = out.readLine();
            assertThat(mnt).as("child mountpoint").startsWith("/tmp/" + Mounts.MOUNT_PREFIX);
            assertThat(driver).as("driver pid (the stat blocked)").matches("\\d+");
            ProcessHandle d = ProcessHandle.of(Long.parseLong(driver)).orElseThrow();
            assertThat(d.isAlive()).isTrue();
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            d.onExit().get(10, TimeUnit.SECONDS);
            assertThat(d.isAlive()).as("the orphaned driver exits").isFalse();
            List<String> actions = Mounts.cleanupStale();
            assertThat(actions).anyMatch(a -> a.contains(mnt));
            assertThat(Mounts.ourMounts()).doesNotContain(mnt);
        } finally {
            child.destroyForcibly();
            Mounts.cleanupStale();
        }
        assertThat(Mounts.ourMounts()).isEmpty();
    }

    @Test
    void killedServerIsCleanedUpByNextSession() throws Exception {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StaleCleanupTest.class.getName()).directory(new java.io.File("/")).start();
        try {
            String mnt = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
            assertThat(mnt).as("child mountpoint").startsWith("/tmp/" + Mounts.MOUNT_PREFIX);
            assertThat(Mounts.ourMounts()).contains(mnt);
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(Mounts.ourMounts()).as("SIGKILL leaves the mount").contains(mnt);
            List<String> actions = Mounts.cleanupStale();
            assertThat(actions).anyMatch(a -> a.contains(mnt));
            assertThat(Mounts.ourMounts()).doesNotContain(mnt);
        } finally {
            child.destroyForcibly();
            Mounts.cleanupStale();
        }
        assertThat(Mounts.ourMounts()).isEmpty();
    }
}
