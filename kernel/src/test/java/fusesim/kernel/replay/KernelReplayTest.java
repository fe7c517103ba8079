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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Trace replay on this machine's kernel (skipped, with the probe's reason, where it is unusable). */
class KernelReplayTest {
    static final Path TRACES = Path.of("src/test/resources/traces");
    static final Path WHOLE_EXAMPLE = Path.of("../traces/src/test/resources/trace-format/07-whole-example.trace");

    @BeforeEach
    void probe() {
        KernelProbe p = KernelProbe.get();
        Assumptions.assumeTrue(p.usable(), p.reason());
    }

    @AfterEach
    void noMountLeft() {
        assertThat(Mounts.ourMounts()).as("FUSE mounts left behind").isEmpty();
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
}
