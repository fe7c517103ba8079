package fusesim.kernel.replay;

import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import fusesim.traces.replay.StepOutcome;
import fusesim.traces.replay.TextBackend;
import fusesim.traces.replay.TraceDriver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The meaning checks a replay needs before it touches the kernel, done on the trace text alone (so a
 * kernel that disagrees with the trace never turns into a semantic error): an fd or mapping is used
 * only after a line that returned it and before its close/munmap; {@code server reply T} names a
 * thread whose call is in progress; {@code passthrough_ino} needs v1/v2. The pairing of
 * {@code <unfinished ...>} and {@code <... resumed>} lines, and the rule that a thread with a call in
 * progress makes no other call, are the {@link TraceDriver}'s, as on the model and the kernel: this
 * is a {@link TextBackend} that adds the names.
 */
public final class TraceChecks extends TextBackend {
    private final Trace trace;
    private final Map<Long, Integer> fds = new HashMap<>();
    private final Map<Long, Integer> closedFds = new HashMap<>();
    private final Set<String> maps = new HashSet<>();
    private final Set<String> threadsSeen = new HashSet<>();
    private boolean fdsUnknown;

    private TraceChecks(Trace trace) {
        super(trace.file());
        this.trace = trace;
    }

    /** Throws {@link TraceSemanticError} at the first meaning error. */
    public static void check(Trace trace) {
        SandboxChecks.check(trace); // limits and links that lead out: before anything else
        TraceChecks checks = new TraceChecks(trace);
        for (Stmt s : trace.body()) {
            checks.step(s);
        }
    }

    @Override
    public StepOutcome visitMount(Stmt.Mount m) {
        m.option(MountOption.PASSTHROUGH_INO).ifPresent(o -> {
            if (trace.header().semantics().series() == Header.Series.MAINLINE) {
                throw err(o.pos(), "passthrough_ino needs semantics v1 or v2 (this trace is mainline)");
            }
        });
        return StepOutcome.met();
    }

    /** A call's fds and mappings must be live; a close frees its number as it starts. */
    @Override
    public boolean start(TraceDriver.Call call) {
        args(call.syscall(), call.args());
        threadsSeen.add(call.thread());
        boolean blocked = super.start(call);
        if (blocked && call.syscall() == Syscall.CLOSE) {
            closed(call.args(), call.line().pos().line()); // file_close_fd(): the number is free before FLUSH
        }
        return blocked;
    }

    @Override
    public TraceDriver.Returned returned(TraceDriver.Call call, Stmt.ThreadStep line, Outcome outcome,
            List<Item> checks) {
        boolean resumedClose = line instanceof Stmt.Resumed && call.syscall() == Syscall.CLOSE;
        if (!resumedClose) { // a close freed its fd when it started
            result(call.syscall(), call.args(), outcome);
        }
        return super.returned(call, line, outcome, checks);
    }

    @Override
    public StepOutcome visitServerReply(Stmt.ServerReply sr) {
        String t = sr.thread().text();
        if (!driver.inFlight().containsKey(t)) {
            throw err(sr.thread().pos(), threadsSeen.contains(t)
                    ? t + " has no call in progress, so no request of " + t + " can be pending"
                    : "unknown thread " + t + ": it has made no call");
        }
        return StepOutcome.met();
    }

    private void args(Syscall sc, List<Value> args) {
        for (int i = 0; i < args.size() && i < sc.args().size(); i++) {
            ArgKind k = sc.args().get(i);
            Value v = args.get(i);
            // a negative fd is no fd a trace made: it is passed as it is (EBADF from fdget), as on the model
            if (k == ArgKind.FD && v instanceof Value.Int fd && fd.value() >= 0 && !fdsUnknown
                    && !fds.containsKey(fd.value())) {
                Integer closedAt = closedFds.get(fd.value());
                throw err(v.pos(), closedAt == null ? "fd " + fd.text() + " was never opened"
                        : "fd " + fd.text() + " was closed at line " + closedAt);
            }
            if (k == ArgKind.MAP && v instanceof Value.Sym m && !maps.contains(m.name())) {
                throw err(v.pos(), "mapping " + m.name() + " was never made (or is unmapped)");
            }
        }
    }

    private void closed(List<Value> args, int line) {
        long fd = ((Value.Int) args.get(0)).value();
        if (fds.remove(fd) != null) {
            closedFds.put(fd, line);
        }
    }

    /** Bookkeeping of what a completed call created or released. */
    private void result(Syscall sc, List<Value> args, Outcome o) {
        int line = o.pos().line();
        switch (sc) {
            case OPEN, CREAT, DUP -> {
                if (o instanceof Outcome.Returns r) {
                    fds.put(r.value().value(), line);
                    closedFds.remove(r.value().value());
                } else if (o instanceof Outcome.Any) {
                    fdsUnknown = true;
                }
            }
            case CLOSE -> closed(args, line);
            case MMAP -> {
                if (o instanceof Outcome.Maps m) {
                    maps.add(m.mapping());
                }
            }
            case MUNMAP -> {
                if (o instanceof Outcome.Returns) {
                    maps.remove(((Value.Sym) args.get(0)).name());
                }
            }
            default -> { }
        }
    }

    private TraceSemanticError err(fusesim.traces.lang.Pos pos, String message) {
        return TraceSemanticError.at(trace, pos, message);
    }
}
