package fusesim.report.repro;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.replay.KernelReplayResult;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every corpus trace turned into C, compiled with {@code cc -O2 -Wall -Werror}, and (where this
 * machine's kernel is usable) run: each mainline trace's per-statement verdicts (met, not met,
 * skipped) must equal those of {@code KernelReplay.runBeside} on the same trace; the series' traces
 * compile and skip (exit 4) on a kernel without FUSE_PASSTHROUGH_INO. Skipped, with the reason, where
 * there is no C compiler; the kernel part where the kernel is unusable (FUSESIM_KERNEL=off included).
 */
class ReproCorpusTest {
    private static final Path CORPUS = Path.of("..", "traces", "corpus");
    private static final Pattern TAP = Pattern.compile("^(ok|not ok) \\d+ (\\d+): .*?( # SKIP .*)?$");

    /** The C files and binaries stay under target/repro for a look after the run. */
    Path dir = Path.of("target", "repro");

    {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The corpus traces of {@code sub}: every one with {@code -Drepro.corpus=all} (or
     * FUSESIM_REPRO_ALL=1), else every 12th plus passthrough-then-cached, so that {@code mvn verify}
     * stays short (compiling one reproducer at -O2 takes about a second of CPU, four on a loaded
     * machine); {@code -Drepro.only=NAME} picks traces by name.
     */
    static List<Path> traces(String sub) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(CORPUS.resolve(sub))) {
            all = s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
        }
        String only = System.getProperty("repro.only");
        if (only != null) {
            return all.stream().filter(p -> p.toString().contains(only)).toList();
        }
        if (allMode()) {
            return all;
        }
        List<Path> some = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 12 == 0 || all.get(i).getFileName().toString().equals("passthrough-then-cached.trace")) {
                some.add(all.get(i));
            }
        }
        return some;
    }

    /** {@code -Drepro.corpus=all} or FUSESIM_REPRO_ALL=1: every trace, drop_caches ones run too. */
    static boolean allMode() {
        return "all".equals(System.getProperty("repro.corpus")) || "1".equals(System.getenv("FUSESIM_REPRO_ALL"));
    }

    static Trace parse(Path p) throws IOException {
        return TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
    }

    static boolean haveCc() {
        try {
            return new ProcessBuilder("cc", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private final List<String> compileErrors = new ArrayList<>();

    /**
     * Compiles; the binary, or null (the compiler's output is kept in compileErrors). A binary
     * built from the same C text before is kept (the source beside it is compared byte for byte),
     * so that a compile-only run ({@code FUSESIM_KERNEL=off}) leaves the kernel run under the shared
     * kernel lock only the running.
     */
    Path compile(String name, String c) throws IOException, InterruptedException {
        Path src = dir.resolve(name + ".c");
        Path bin = dir.resolve(name);
        Path built = dir.resolve(name + ".c.built");
        if (Files.exists(bin) && Files.exists(built) && Files.readString(built, StandardCharsets.UTF_8).equals(c)) {
            return bin;
        }
        Files.deleteIfExists(built);
        Files.writeString(src, c, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", src.toString(), "-o", bin.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            compileErrors.add("cc " + name + ":\n" + out);
            return null;
        }
        Files.copy(src, built);
        return bin;
    }

    record Run(int exit, String output, Map<Integer, String> status) {}

    static Run run(Path bin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        Map<Integer, String> status = new TreeMap<>();
        for (String l : text.split("\n")) {
            Matcher m = TAP.matcher(l);
            if (m.matches()) {
                status.put(Integer.parseInt(m.group(2)), m.group(3) != null ? "skipped" : m.group(1).equals("ok") ? "met" : "not met");
            }
        }
        return new Run(p.exitValue(), text, status);
    }

    static Map<Integer, String> statuses(KernelReplayResult r) {
        Map<Integer, String> s = new TreeMap<>();
        for (Observation o : r.observations()) {
            s.put(o.line(), o.met() ? "met" : "not met");
        }
        r.skipped().keySet().forEach(l -> s.put(l, "skipped"));
        return s;
    }

    @Test
    void seriesTracesCompileAndSkipWithoutPassthroughIno() throws Exception {
        Assumptions.assumeTrue(haveCc(), "no C compiler (cc) on this machine");
        int compiled = 0;
        List<String> refused = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path p : traces("v2")) {
            String c;
            try {
                c = CRepro.generate(parse(p));
            } catch (TraceError e) {
                refused.add(e.getMessage());
                continue;
            }
            Path bin = compile(p.getFileName().toString().replace(".trace", ""), c);
            if (bin == null) {
                continue;
            }
            compiled++;
            boolean seriesKernel = KernelProbe.get().usable() && KernelProbe.get().offers(1L << 43);
            if (!seriesKernel) {
                Run r = run(bin);
                assertThat(r.exit()).as("%s:%n%s", p, r.output()).isEqualTo(4);
            }
        }
        System.out.printf("repro v2 corpus: %d compiled and skipped, %d refused (%.1f s)%n", compiled, refused.size(),
                (System.nanoTime() - t0) / 1e9);
        refused.forEach(m -> System.out.println("  refused: " + m));
        assertThat(compileErrors).isEmpty();
        assertThat(compiled).isPositive();
        if (allMode()) {
            // every series trace is C too (its entry2 reply fields included), not only a sample
            assertThat(refused).isEmpty();
        }
    }

    @Test
    void mainlineCorpusAgreesWithKernelReplay() throws Exception {
        Assumptions.assumeTrue(haveCc(), "no C compiler (cc) on this machine");
        boolean kernel = KernelProbe.get().usable();
        List<String> disagreements = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        int agree = 0;
        int runs = 0;
        int compiled = 0;
        long compileNanos = 0;
        long runNanos = 0;
        for (Path p : traces("mainline")) {
            Trace t = parse(p);
            String c;
            try {
                c = CRepro.generate(t);
            } catch (TraceError e) {
                refused.add(e.getMessage());
                continue;
            }
            long t1 = System.nanoTime();
            Path bin = compile(p.getFileName().toString().replace(".trace", ""), c);
            compileNanos += System.nanoTime() - t1;
            if (bin == null) {
                continue;
            }
            compiled++;
            if (!kernel) {
                continue;
            }
            if (Files.readString(p).lines().anyMatch(l -> l.trim().equals("drop_caches"))
                    && System.getenv("FUSESIM_REPRO_DROP_CACHES") == null && !allMode()) {
                // drop_caches disturbs every other user of this machine's caches: in the ALL mode
                // (run under the kernel lock) or on request only
                refused.add(p + ": not run (drop_caches; FUSESIM_REPRO_ALL=1 or FUSESIM_REPRO_DROP_CACHES=1 runs it)");
                continue;
            }
            KernelReplayResult k = KernelReplay.runBeside(t, ModelReplay.run(t).steps().stream().map(ModelReplay.Step::obs).toList());
            long t2 = System.nanoTime();
            Run r = run(bin);
            runNanos += System.nanoTime() - t2;
            runs++;
            Map<Integer, String> want = statuses(k);
            boolean kernelMet = k.observations().stream().allMatch(Observation::met);
            int wantExit = kernelMet ? 0 : 1;
            if (want.equals(r.status()) && r.exit() == wantExit) {
                agree++;
                System.out.println("  agree " + p.getFileName());
            } else {
                System.out.println("  DISAGREE " + p.getFileName());
                StringBuilder d = new StringBuilder(p + ": exit " + r.exit() + " (kernel replay: " + wantExit + ")");
                for (Integer line : want.keySet()) {
                    if (!want.get(line).equals(r.status().get(line))) {
                        d.append("\n    line ").append(line).append(": kernel replay ").append(want.get(line))
                                .append(", repro ").append(r.status().get(line));
                        k.observations().stream().filter(o -> o.line() == line).findFirst()
                                .ifPresent(o -> d.append(" [replay: ").append(o.result()).append(' ').append(o.requests())
                                        .append(o.verdict() == null ? "" : " " + o.verdict()).append(']'));
                    }
                }
                d.append("\n").append(r.output().lines().filter(l -> l.startsWith("not ok") || l.startsWith("#   ")
                        || l.startsWith("1..0")).limit(30).reduce("", (a, b) -> a + "      " + b + "\n"));
                disagreements.add(d.toString());
            }
        }
        System.out.printf("repro mainline corpus: %d compiled (%.1f s), %d run, %d agree with kernel replay, %d refused or not run;"
                + " running the C: %.1f s%n", compiled, compileNanos / 1e9, runs, agree, refused.size(), runNanos / 1e9);
        refused.forEach(m -> System.out.println("  " + m));
        disagreements.forEach(d -> System.out.println("  DISAGREE " + d));
        compileErrors.forEach(e -> System.out.println("  CC " + e));
        assertThat(compileErrors).isEmpty();
        assertThat(disagreements).isEmpty();
        // the C decodes every field of the catalog (CRequestFields.DECODED): no mainline trace is refused,
        // and in the ALL mode on a usable kernel the drop_caches traces run too
        assertThat(refused.stream().filter(m -> !m.contains("drop_caches"))).isEmpty();
        if (allMode() && kernel) {
            assertThat(refused).isEmpty();
        }
    }
}
