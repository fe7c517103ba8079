package fusesim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Mounts;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A run killed mid-way (SIGKILL of its JVM) leaves a mount; the next session removes it. */
class StaleCleanupTest {

    /** Child JVM: mounts, prints the mountpoint, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        KernelSession s = KernelSession.open();
        s.lowerFile("/a", 10, 0644, 0, 0, null);
        s.mount(new ServerConfig());
        System.out.println(s.mountpoint());
        System.out.flush();
        Thread.sleep(60_000);
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
