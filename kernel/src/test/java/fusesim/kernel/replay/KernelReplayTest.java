package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.KernelProbe;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Trace replay on this machine's kernel (skipped, with the probe's reason, where it is unusable). */
@Tag("real-kernel")
class KernelReplayTest {
    static final Path TRACES = Path.of("src/test/resources/traces");
    static final Path WHOLE_EXAMPLE = Path.of("../traces/src/test/resources/trace-format/07-whole-example.trace");

    @BeforeEach
    void probe() {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
    }

    static Trace text(String name, String body) {
        return TraceParser.parse(name, body);
    }

    @AfterEach
    void noMountLeft() {
        assertThat(Mounts.thisJvmMounts()).as("FUSE mounts left behind").isEmpty();
    }

    static Trace parse(Path p) throws IOException {
        return TraceParser.parse(p.getFileName().toString(), Files.readString(p));
    }

    static Stream<Path> traces() throws IOException {
        try (Stream<Path> s = Files.list(TRACES)) {
            return s.filter(p -> p.toString().endsWith(".trace")).sorted().toList().stream();
        }
    }

    @Test
    void wholeExampleOfTraceFormatMeetsEveryObservableLine() throws IOException {
        KernelReplayResult r = KernelReplay.run(parse(WHOLE_EXAMPLE));
        System.out.println(r.report());
        assertThat(r.disagreements()).isEmpty();
        assertThat(r.observations()).hasSizeGreaterThan(8);
        assertThat(r.skipped()).containsKey(18); // expect inode: model only
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void traceMeetsEveryObservableLine(Path file) throws IOException {
        KernelReplayResult r = KernelReplay.run(parse(file));
        System.out.println(r.report());
        assertThat(r.disagreements()).as(r.report()).isEmpty();
    }

    @Test
    void aWrongExpectationIsADisagreementAndTheRestStillRuns() {
        KernelReplayResult r = KernelReplay.run(text("wrong.trace", """
                trace: wrong
                result: pass
                mount
                lower file /a ino=10 size=10
                T1 open("/a", O_RDONLY) = 4
                T1 stat("/a") = 0 {ino=11 size=10}
                expect requests LOOKUP(1,"a") OPEN(10) READ(10)
                T1 close(4) = 0
                """));
        System.out.println(r.report());
        assertThat(r.allMet()).isFalse();
        assertThat(r.firstDisagreement().get().line()).isEqualTo(5);
        assertThat(r.disagreements()).extracting(KernelReplayResult.Disagreement::message).containsExactly(
                "expected 4, found 3",
                "expected ino=11, found 0 {ino=10 size=10}",
                "expected requests LOOKUP(1,\"a\") OPEN(10) READ(10), found LOOKUP(1,\"a\")"
                    + " OPEN(10,flags=O_RDONLY|O_LARGEFILE,open_flags=0)",
                "expected 0, found -1 EBADF");
        assertThat(r.observations()).extracting(o -> o.result()).contains("3", "0 {ino=10 size=10}", "-1 EBADF");
    }

    @Test
    void aModelOnlyVerdictStopsTheKernelAtItsLine() {
        KernelReplayResult r = KernelReplay.run(text("v.trace", """
                trace: v
                result: violates NLOOKUP-BALANCE at line 6
                mount
                lower file /a ino=10 size=10
                T1 stat("/a") = 0
                T1 stat("/a") = 0
                T1 stat("/nothing") = 0
                """));
        assertThat(r.observations()).extracting(o -> o.line()).containsExactly(3, 4, 5, 6);
        assertThat(r.skipped()).containsKey(7);
        assertThat(r.notes()).anyMatch(n -> n.contains("model-only verdict"));
        assertThat(r.allMet()).isTrue();
    }

    @Test
    void unfinishedThatDoesNotBlockIsADisagreement() {
        KernelReplayResult r = KernelReplay.run(text("nb.trace", """
                trace: nb
                result: pass
                mount
                lower file /a ino=10 size=10
                T1 stat("/a" <unfinished ...>
                T1 <... stat resumed>) = 0
                """));
        assertThat(r.disagreements()).extracting(KernelReplayResult.Disagreement::line).containsExactly(5);
        assertThat(r.observations().get(2).result()).isEqualTo("0 {ino=10 size=10 mode=0100644 nlink=1 uid=0 gid=0}");
    }

    @Test
    void measuresStepsPerSecondOverTheTestTraces() throws IOException {
        long steps = 0, stepNanos = 0, nanos = 0;
        for (int round = 0; round < 3; round++) {
            for (Path p : traces().toList()) {
                KernelReplayResult r = KernelReplay.run(parse(p));
                assertThat(r.allMet()).as(r.report()).isTrue();
                steps += r.observations().size();
                stepNanos += r.stepNanos();
                nanos += r.nanos();
            }
        }
        double perSecond = steps * 1e9 / stepNanos;
        System.out.printf("kernel replay: %d steps, %.0f steps/s on a mounted session (tick sleeps excluded), %.0f steps/s end to end "
                + "(mount, driver JVM start, teardown and tick sleeps included)%n", steps, perSecond, steps * 1e9 / nanos);
        assertThat(perSecond).isGreaterThan(200); // target 500; kept loose for a loaded CI machine
    }
}
