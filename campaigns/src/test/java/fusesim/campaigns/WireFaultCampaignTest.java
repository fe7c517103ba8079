package fusesim.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.server.WireFault;
import fusesim.kernel.sys.Mounts;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The wire-fault campaign ({@code fusesim kernel fuzz --wire-faults}, issue 16 §4): where it puts
 * a fault (no kernel), and a fixed seed on this machine's kernel (skipped with the probe's reason
 * where it cannot be used).
 */
class WireFaultCampaignTest {
    private static final String TRACE = "trace: t\nsemantics: mainline\nresult: pass\n\nmount\nlower file /a ino=10\n"
            + "T1 stat(\"/a\") = 0\nT1 open(\"/a\", O_RDONLY) = 3\nT1 close(3) = 0\n";

    @Test
    void aFaultGoesOnALineWhoseRequestGetsAReply() {
        var t = TraceParser.parse("t.trace", TRACE);
        List<String> plans = new ArrayList<>();
        for (int pick = 0; pick < 3; pick++) {
            WireFaultCampaign.Plan p = WireFaultCampaign.plan(t, WireFault.SHORT_WRITE, pick).orElseThrow();
            plans.add(p.line() + " " + p.op());
        }
        // stat sends LOOKUP; open sends OPEN (the dentry is cached); close sends FLUSH first
        assertThat(plans).containsExactly("7 LOOKUP", "8 OPEN", "9 FLUSH");
        var quiet = TraceParser.parse("q.trace", "trace: q\nsemantics: mainline\nresult: pass\n\nmount\n");
        assertThat(WireFaultCampaign.plan(quiet, WireFault.SHORT_WRITE, 0)).as("no request, no fault").isEmpty();
    }

    @Test
    void theFaultIsAStatementBeforeItsLineAndTheOutcomesAfterItAreTheFaultedModels() {
        var t = TraceParser.parse("t.trace", TRACE);
        Trace open = WireFaultCampaign.withFault(t, new WireFaultCampaign.Plan(8, WireOpcode.OPEN, WireFault.SHORT_WRITE));
        String text = fusesim.traces.lang.TracePrinter.print(open);
        // fuse_open_out cut in half: copy_out_args refuses it, OPEN ends with EIO; the close that
        // followed has no fd any more: the trace ends before it
        assertThat(text).endsWith("server fault open short_write\nT1 open(\"/a\", O_RDONLY) = ?\n")
                .contains("T1 stat(\"/a\") = 0").doesNotContain("close");
        assertThat(WireFaultCampaign.faultLine(open)).isEqualTo(open.body().stream()
                .filter(s -> s instanceof fusesim.traces.lang.Stmt.ServerFault).findFirst().orElseThrow().line());
        var model = fusesim.traces.replay.ModelReplay.run(open).steps().stream().map(s -> s.obs().result()).toList();
        assertThat(model).contains("-1 EIO");
        // a bad length leaves OPEN pending and the good reply follows: nothing changes
        Trace pending = WireFaultCampaign.withFault(t, new WireFaultCampaign.Plan(8, WireOpcode.OPEN, WireFault.BAD_LENGTH));
        assertThat(fusesim.traces.lang.TracePrinter.print(pending)).contains("server fault open bad_length\n"
                + "T1 open(\"/a\", O_RDONLY) = 3\nT1 close(3) = 0");
    }

    @Test
    void requestsAreReadByTheirOpcode() {
        assertThat(WireFaultCampaign.opcode("LOOKUP(1,\"a\")")).contains(WireOpcode.LOOKUP);
        assertThat(WireFaultCampaign.opcode("FORGET(10,1)")).contains(WireOpcode.FORGET);
        assertThat(WireFaultCampaign.opcode("NOTANOPCODE(1)")).isEqualTo(Optional.empty());
    }

    @Test
    void theDaemonClosingDevFuseIsATracesCrashNotAPlan() {
        assertThatThrownBy(() -> new KernelReplay.WirePlan(7, WireOpcode.LOOKUP, WireFault.CLOSE_MID_REQUEST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server crash");
    }

    @Test
    void waitersAndOutSizesAreTheKernels() {
        assertThat(WireFault.waiterOf(WireOpcode.RELEASE)).isEqualTo(WireFault.Waiter.IGNORED);
        assertThat(WireFault.waiterOf(WireOpcode.BATCH_FORGET)).isEqualTo(WireFault.Waiter.NONE);
        assertThat(WireFault.waiterOf(WireOpcode.LOOKUP)).isEqualTo(WireFault.Waiter.SYSCALL);
        assertThat(WireFault.outSizeOf(WireOpcode.READ, new byte[16 + 100])).isEqualTo(-1);
        assertThat(WireFault.outSizeOf(WireOpcode.LOOKUP, new byte[16 + 128])).isEqualTo(128);
    }

    @Tag("real-kernel")
    @Test
    void aFixedSeedOnTheKernelMeetsTheModelsFramingRules() {
        KernelProbe probe = KernelProbe.get();
        Assumptions.assumeTrue(probe.usable(), probe.reason());
        List<String> events = new ArrayList<>();
        WireFaultCampaign.Report r = new WireFaultCampaign(30, 1, Fuzzer.STEP_TIMEOUT).run(events::add, x -> { });
        String summary = WireFaultCampaign.summary(r, 1);
        assertThat(r.traces).isEqualTo(30);
        assertThat(r.injected).as(summary).isGreaterThan(20);
        assertThat(r.pending).as("both kinds drawn: " + summary).isPositive();
        assertThat(r.ending).as("both kinds drawn: " + summary).isPositive();
        assertThat(r.writeErrnoPredicted).as(summary).isEqualTo(r.injected);
        assertThat(r.disagreements).as(String.join("\n", events) + "\n" + summary).isEmpty();
        assertThat(Mounts.thisJvmMounts()).as("FUSE mounts left behind").isEmpty();
    }
}
