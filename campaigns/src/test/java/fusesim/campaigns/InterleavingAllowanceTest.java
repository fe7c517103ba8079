package fusesim.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the differential accepts as the concurrency of threads a reply woke
 * ({@link Differential#interleavedByReply}), and what it still reports; no kernel needed. The
 * positive cases are the two seen on 6.18.44 (fuzz findings 1-473 and 2-189).
 */
class InterleavingAllowanceTest {
    private static final String REPLY = "server reply T1 lookup";

    /** One case: statement, model's requests, kernel's requests, kernel's senders, allowed. */
    private record Case(String stmt, List<String> model, List<String> kernel, List<String> senders, boolean allowed) {}

    private static final List<Case> CASES = List.of(
            // 1-473: T1's open fails EIO (OPEN, RELEASE) while T2's chown runs (GETXATTR, GETATTR, SETATTR)
            new Case(REPLY, List.of("OPEN(10)", "RELEASE(10)", "GETXATTR(10)", "GETATTR(10)", "SETATTR(10)"),
                    List.of("OPEN(10)", "GETXATTR(10)", "GETATTR(10)", "RELEASE(10)", "SETATTR(10)"),
                    List.of("T1", "T2", "T2", "T1", "T2"), true),
            // 2-189: two opens of the same dentry, both woken by one LOOKUP reply
            new Case("server reply T2 lookup", List.of("OPEN(10)", "RELEASE(10)", "OPEN(10)", "RELEASE(10)"),
                    List.of("OPEN(10)", "OPEN(10)", "RELEASE(10)", "RELEASE(10)"), List.of("T2", "T1", "T2", "T1"), true),
            // a kworker's RELEASE counts as one more sender
            new Case(REPLY, List.of("OPEN(10)", "RELEASE(11)"), List.of("RELEASE(11)", "OPEN(10)"), List.of("", "T1"), true),
            // one thread's own requests in another order: a real difference
            new Case(REPLY, List.of("OPEN(10)", "RELEASE(10)", "GETATTR(10)"),
                    List.of("RELEASE(10)", "OPEN(10)", "GETATTR(10)"), List.of("T1", "T1", "T2"), false),
            // a single sender cannot interleave
            new Case(REPLY, List.of("OPEN(10)", "GETATTR(10)"), List.of("GETATTR(10)", "OPEN(10)"), List.of("T1", "T1"), false),
            // 20261122-1 (CI, 2026-12-07): the kernel renders every field, the model those it holds;
            // three threads' OPENs of one file with different flags, woken by one LOOKUP reply
            new Case("server reply T3 lookup", List.of("OPEN(21,flags=O_WRONLY|O_LARGEFILE)",
                    "OPEN(21,flags=O_RDONLY|O_DIRECT|O_LARGEFILE)", "OPEN(21,flags=O_WRONLY|O_LARGEFILE)"),
                    List.of("OPEN(21,flags=O_WRONLY|O_LARGEFILE,open_flags=0)",
                            "OPEN(21,flags=O_WRONLY|O_LARGEFILE,open_flags=0)",
                            "OPEN(21,flags=O_RDONLY|O_DIRECT|O_LARGEFILE,open_flags=0)"), List.of("T1", "T3", "T2"), true),
            // the same bases, but a field the model states differs: a real difference
            new Case(REPLY, List.of("OPEN(21,flags=O_WRONLY|O_LARGEFILE)", "OPEN(21,flags=O_RDONLY|O_LARGEFILE)"),
                    List.of("OPEN(21,flags=O_RDWR|O_LARGEFILE,open_flags=0)",
                            "OPEN(21,flags=O_WRONLY|O_LARGEFILE,open_flags=0)"), List.of("T1", "T2"), false),
            // not the same requests
            new Case(REPLY, List.of("OPEN(10)", "GETATTR(10)"), List.of("OPEN(10)", "SETATTR(10)"), List.of("T1", "T2"), false),
            new Case(REPLY, List.of("OPEN(10)"), List.of("OPEN(10)", "GETATTR(10)"), List.of("T1", "T2"), false),
            // senders unknown for the line
            new Case(REPLY, List.of("OPEN(10)", "GETATTR(10)"), List.of("GETATTR(10)", "OPEN(10)"), List.of(), false),
            // not a reply: a syscall line's own requests are one thread's
            new Case("T1 open(\"/a\", O_RDONLY) = ?", List.of("OPEN(10)", "GETATTR(10)"),
                    List.of("GETATTR(10)", "OPEN(10)"), List.of("T1", "T2"), false));

    @Test
    void allowsOnlyInterleavingsAcrossWokenThreads() {
        for (Case c : CASES) {
            assertThat(Differential.interleavedByReply(c.stmt(), c.model(), c.kernel(), c.senders()))
                    .as(c.toString()).isEqualTo(c.allowed());
        }
    }
}
