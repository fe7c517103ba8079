package fusesim.traces.replay;

import fusesim.model.Bytes;
import fusesim.model.Kernel;
import fusesim.model.SysResult;
import fusesim.model.UserThread;
import fusesim.model.vfs.SyscallTable;
import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The model backend's thread steps: starting a call on a model thread ({@link Kernel#start}),
 * what a blocked one waits for, and a returned call's {@link SysResult} as the trace prints it
 * and judged against the outcome its line states. The protocol around them (which line starts,
 * which resumes, what is in flight, the fds and mappings a trace made) is {@link TraceDriver}'s.
 */
final class ModelCalls {
  private final Kernel k;

  ModelCalls(Kernel k) {
    this.k = k;
  }

  UserThread thread(String name) {
    UserThread t = k.threads.get(name);
    return t != null ? t : k.addThread(name, 0, 0);
  }

  /** The call the model thread is in (its task), or null. */
  String inCall(String thread) {
    UserThread t = thread(thread);
    return t.task == null ? null : t.task.name();
  }

  /** Starts the call on its thread; true if the model thread blocked in it. */
  boolean start(TraceDriver.Call call) {
    UserThread t = thread(call.thread());
    k.start(SyscallTable.make(t, call.syscall().word(), modelArgs(call)));
    return t.task != null;
  }

  /** What the thread's call waits for, or null once it returned. */
  String waitingFor(String thread) {
    UserThread t = thread(thread);
    if (t.task == null) {
      return null;
    }
    if (t.task.waitReq != null) {
      return "the server's reply to " + t.task.waitReq.observable();
    }
    return t.task.sleepOn == null ? "nothing" : t.task.sleepOn.kind().name().toLowerCase();
  }

  /** An {@code <unfinished ...>} line whose call returned at once: what it returned. */
  StepOutcome didNotBlock(TraceDriver.Call call) {
    String result = display(thread(call.thread()).lastResult, List.of());
    return StepOutcome.unmet(result, call.syscall().word() + "() did not block: it returned " + result);
  }

  /** Compares a finished call's result (and checked fields) with the trace's outcome. */
  TraceDriver.Returned returned(TraceDriver.Call call, Outcome o, List<Item> checks) {
    SysResult r = thread(call.thread()).lastResult;
    String result = display(r, checks);
    String verdict = verdict(o, checks, r);
    StepOutcome out = verdict == null ? StepOutcome.met(result) : StepOutcome.unmet(result, verdict);
    if (r.mapping() != null) {
      return new TraceDriver.Returned(out, null, r.mapping(), r.mapping());
    }
    boolean fd = r.value() >= 0 && r.fields().isEmpty() && r.names().isEmpty();
    return new TraceDriver.Returned(out, fd ? r.value() : null, null, null);
  }

  /** The call's arguments for the model: a mapping by its name, a string, else a number. */
  private static List<Object> modelArgs(TraceDriver.Call call) {
    List<ArgKind> kinds = call.syscall().args();
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < call.args().size(); i++) {
      Value v = call.args().get(i);
      if (kinds.get(i) == ArgKind.MAP) {
        out.add(call.handles().get(i));
        continue;
      }
      // utimensat's times reach the model as their shared encoding (Value.Times.encoded)
      out.add(v instanceof Value.Str ? ((Value.Str) v).value()
          : v instanceof Value.Times tm ? tm.encoded() : (Object) ToModel.number(v));
    }
    return out;
  }

  private static String verdict(Outcome o, List<Item> checks, SysResult r) {
    if (o instanceof Outcome.Any) {
      return null;
    }
    boolean ok;
    if (o instanceof Outcome.Returns) {
      ok = r.mapping() == null && r.value() == ((Outcome.Returns) o).value().value();
    } else if (o instanceof Outcome.Fails) {
      ok = r.value() == -((Outcome.Fails) o).errno().errno().number();
    } else {
      ok = ((Outcome.Maps) o).mapping().equals(r.mapping());
    }
    if (!ok) {
      return "expected = " + TracePrinter.outcome(o) + ", found = " + displayPlain(r);
    }
    if (o instanceof Outcome.Returns ret && ret.data() != null && r.data() != null
        && !ret.data().bytes().equals(r.data().latin1())) {
      return "expected the bytes " + Bytes.of(ret.data().bytes()) + ", found " + r.data();
    }
    return checkFields(checks, r);
  }

  private static String checkFields(List<Item> checks, SysResult r) {
    for (Item c : checks) {
      if (c.value() instanceof Value.Names) {
        List<String> want = ((Value.Names) c.value()).names();
        if (!want.equals(r.names())) {
          return "expected names=" + String.join(",", want) + ", found names=" + String.join(",", r.names());
        }
        continue;
      }
      Long got = r.fields().get(c.key());
      long want = ToModel.number(c.value());
      if (got == null || got != want) {
        return "expected " + c.key() + "=" + TracePrinter.value(c.value(), ",") + ", found "
            + c.key() + "=" + (got == null ? "nothing" : fieldText(c.key(), got));
      }
    }
    return null;
  }

  static String fieldText(String key, long v) {
    return key.equals("mode") ? "0" + Long.toOctalString(v) : Long.toString(v);
  }

  /** "3", "-1 EIO", "m1", "0 {ino=10 size=4096}" (the checked fields, or the stat basics). */
  static String display(SysResult r, List<Item> checks) {
    String base = displayPlain(r);
    if (!r.names().isEmpty()) {
      return base + " {names=" + String.join(",", r.names()) + "}";
    }
    if (r.fields().isEmpty()) {
      return base;
    }
    List<String> keys = new ArrayList<>();
    for (Item c : checks) {
      keys.add(c.key());
    }
    if (keys.isEmpty()) {
      keys = List.of("ino", "size", "mode", "nlink", "uid", "gid");
    }
    StringBuilder sb = new StringBuilder(base).append(" {");
    for (String key : keys) {
      Long v = r.fields().get(key);
      if (v != null) {
        sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : " ").append(key).append('=').append(fieldText(key, v));
      }
    }
    return sb.append('}').toString();
  }

  static String displayPlain(SysResult r) {
    if (r.mapping() != null) {
      return r.mapping();
    }
    return r.value() < 0 ? "-1 " + ToModel.errnoName((int) r.value()) : Long.toString(r.value());
  }
}
