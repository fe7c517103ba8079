package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.sys.Mounts;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Meaning errors are found on the trace text, before the kernel is touched (no kernel needed). */
class SemanticErrorTest {
    @AfterEach
    void noMountLeft() {
        org.assertj.core.api.Assertions.assertThat(Mounts.thisJvmMounts()).isEmpty();
    }

    private static void fails(String name, String text, String message) {
        assertThatThrownBy(() -> KernelReplay.run(TraceParser.parse(name, text)))
                .isInstanceOf(TraceSemanticError.class).hasMessage(message);
    }

    @Test
    void fdNeverOpenedIsReportedAtTheArgument() throws IOException {
        Path p = Path.of("src/test/resources/bad-traces/fd-never-opened.trace");
        fails(p.getFileName().toString(), Files.readString(p), "fd-never-opened.trace:8:9: fd 4 was never opened");
    }

    @Test
    void fdUsedAfterClose() {
        fails("c.trace", "trace: c\nresult: pass\nT1 open(\"/a\", O_RDONLY) = 3\nT1 close(3) = 0\nT1 fstat(3) = 0\n",
                "c.trace:5:10: fd 3 was closed at line 4");
    }

    @Test
    void negativeFdIsNoFdOfTheTraceButAnOpenNumberIs() {
        // fd -1 is passed to the kernel as it is (EBADF from fdget), as the model's driver takes it
        String head = "trace: n\nresult: pass\n";
        org.assertj.core.api.Assertions.assertThatCode(() -> TraceChecks.check(TraceParser.parse("n.trace",
                head + "T1 fdatasync(-1) = -1 EBADF\n"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> TraceChecks.check(TraceParser.parse("n.trace", head + "T1 fdatasync(5) = -1 EBADF\n")))
                .isInstanceOf(TraceSemanticError.class).hasMessage("n.trace:3:14: fd 5 was never opened");
    }

    @Test
    void replyForAThreadWithNoCallInProgress() {
        fails("r.trace", "trace: r\nresult: pass\nT1 stat(\"/a\") = 0\nserver reply T1 lookup\n",
                "r.trace:4:14: T1 has no call in progress, so no request of T1 can be pending");
        fails("u.trace", "trace: u\nresult: pass\nserver reply T7 lookup\n",
                "u.trace:3:14: unknown thread T7: it has made no call");
    }

    @Test
    void resumedWithoutUnfinished() {
        fails("x.trace", "trace: x\nresult: pass\nT1 <... stat resumed>) = 0\n",
                "x.trace:3:1: T1 has no unfinished call to resume");
    }

    @Test
    void unknownMapping() {
        fails("m.trace", "trace: m\nresult: pass\nT1 mread(m2, 0, 10) = 10\n",
                "m.trace:3:10: mapping m2 was never made (or is unmapped)");
    }
}
