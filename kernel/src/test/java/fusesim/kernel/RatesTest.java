package fusesim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Mounts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Throughput: raw FUSE round trips (inside the driver) and trace steps end to end (controller to driver). */
@Tag("real-kernel")
class RatesTest {

    @Test
    void roundTripsAndStepsPerSecond() {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
        try (KernelSession s = KernelSession.open(java.time.Duration.ofSeconds(20))) {
            s.lowerFile("/a", 4096, 0644, 0, 0, 10L);
            s.mount(new ServerConfig().attrValid(0));
            s.syscall("T1", "stat", "/a");
            s.syscall("T1", "repeat", 2000, "stat", "/a"); // warm-up
            long ns = s.syscall("T1", "repeat", 20000, "stat", "/a").value();
            double roundTrips = 20000 / (ns / 1e9);
            long t0 = System.nanoTime();
            int steps = 2000;
            for (int i = 0; i < steps / 2; i++) {
                s.syscall("T1", "open", "/a", "O_RDONLY");
                s.syscall("T1", "close", 3);
            }
            double stepsPerSec = steps / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("rates: stat->GETATTR %.0f round trips/s; %.0f trace steps/s end to end%n",
                    roundTrips, stepsPerSec);
            assertThat(stepsPerSec).isGreaterThan(500);
            assertThat(roundTrips).isGreaterThan(1000);
        }
        assertThat(Mounts.thisJvmMounts()).isEmpty();
    }
}
