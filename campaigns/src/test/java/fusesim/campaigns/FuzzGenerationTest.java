package fusesim.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.replay.Expressible;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What kernel fuzz generates and how it names a disagreement; no kernel needed. */
class FuzzGenerationTest {
    @Test
    void theSameSeedGeneratesTheSameTraces() {
        assertThat(Fuzzer.traceTexts(7, 30)).isEqualTo(Fuzzer.traceTexts(7, 30));
        assertThat(Fuzzer.traceTexts(7, 30)).isNotEqualTo(Fuzzer.traceTexts(8, 30));
    }

    @Test
    void generatedTracesParseAndHaveNoRealTimeTicks() {
        for (String text : Fuzzer.traceTexts(3, 60)) {
            Trace t = TraceParser.parse("t.trace", text);
            assertThat(t.body()).noneMatch(s -> s instanceof Stmt.Tick);
            assertThat(Expressible.cut(t.body())).hasSameSizeAs(t.body());
        }
    }

    @Test
    void evictAndNotifyAfterACrashAreCutOff() {
        Trace t = TraceParser.parse("t.trace", "trace: t\nresult: pass\n\nlower file /a ino=10\nT1 stat(\"/a\") = 0\n"
                + "server crash\nT1 stat(\"/a\") = -1 ENOTCONN\nevict /a\nT1 stat(\"/a\") = -1 ENOTCONN\n");
        assertThat(Expressible.cut(t.body())).hasSize(4);
    }

    @Test
    void entryOpsAndReaddirplusAreKeptAndGeneratedWithEntryOps() {
        String head = "trace: t\nresult: pass\n\n";
        String body = "lower file /a ino=10\nT1 stat(\"/a\") = 0\n";
        for (String stmt : List.of("T1 mknod(\"/x\", S_IFREG|0644) = 0", "T1 symlink(\"a\", \"/l\") = 0",
                "T1 link(\"/a\", \"/b\") = 0", "T1 readlink(\"/a\") = -1 EINVAL",
                "server link /b entry backing=1", "server readdirplus /a ENOENT")) {
            Trace t = TraceParser.parse("t.trace", head + body + stmt + "\nT1 stat(\"/a\") = 0\n");
            assertThat(Expressible.cut(t.body())).as(stmt).hasSize(4);
        }
        Trace rdp = TraceParser.parse("t.trace", head + "mount readdirplus_auto\n" + body);
        assertThat(Expressible.cut(rdp.body())).hasSize(3);
        String all = String.join("\n", Fuzzer.traceTexts(5, 80, true));
        assertThat(all).contains("mknod(", "symlink(", "link(", "readlink(", "mount readdirplus");
        for (String text : Fuzzer.traceTexts(5, 40)) { // without --entry-ops, as before they existed
            assertThat(text).doesNotContain("mknod(", "symlink(", "link(", "readdirplus");
        }
    }

    @Test
    void aSignatureKeepsTheKindOfStepAndTheDifferenceOnly() {
        Differential.Mismatch a = new Differential.Mismatch(3, 12, "T2 stat(\"/b\") = ?",
                "0 {ino=10 size=0 nlink=3}", "0 {ino=10 size=0 nlink=2}", List.of(), List.of(), null);
        Differential.Mismatch b = new Differential.Mismatch(1, 7, "T1 stat(\"/a\") = ?",
                "0 {ino=30 size=4096 nlink=3}", "0 {ino=30 size=4096 nlink=2}", List.of("LOOKUP(1,\"a\")"),
                List.of("LOOKUP(1,\"a\")"), null);
        assertThat(a.signature()).isEqualTo(b.signature()).isEqualTo("stat | model nlink=3 | kernel nlink=2");
        Differential.Mismatch c = new Differential.Mismatch(5, 20, "T1 close(3) = ?", "0", "0",
                List.of("FLUSH(10)", "RELEASE(10)"), List.of("FLUSH(10)"), null);
        assertThat(c.requestsOnly()).isTrue();
        assertThat(c.signature()).isEqualTo("close | requests only the model sent [RELEASE(n)] | only the kernel sent []");
        Differential.Mismatch d = new Differential.Mismatch(5, 20, "T1 <... open resumed>) = ?", "3", "-1 EIO",
                List.of(), List.of(), null);
        assertThat(d.signature()).startsWith("open resumed |");
        assertThat(Differential.kind("T1 open(\"/a\", O_RDONLY <unfinished ...>")).isEqualTo("open unfinished");
        assertThat(Differential.kind("server reply T1 lookup")).isEqualTo("server reply");
    }
}
