package fusesim.kernel.replay;

import fusesim.kernel.driver.Result;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import java.util.List;

/**
 * A kernel call's result as the trace states it, and the verdict on it: the observation's result
 * text ("3", "-1 EIO", "m1", "0 {ino=10 size=4096}"), the stated bytes of a read, the stated stat
 * fields, and the bytes a trace write writes ({@code 'A' + (origin + i) % 26}, the model's
 * convention). Each verdict is null when met, else "expected ..., found ...".
 */
final class CallResults {
    private static final List<String> STAT_DEFAULT = List.of("ino", "size", "mode", "nlink", "uid", "gid");

    private CallResults() {}

    /** The Observation result: "3", "-1 EIO", "m1", "0 {ino=10 size=4096}" (checked stat fields). */
    static String format(Syscall sc, Result r, List<Item> checks) {
        if (!r.ok()) {
            return "-1 " + r.errno();
        }
        if (sc == Syscall.MMAP) {
            return r.fields().getOrDefault("map", "m?");
        }
        if (sc == Syscall.FSTAT || sc == Syscall.STAT || sc == Syscall.LSTAT) {
            List<String> keys = checks.isEmpty() ? STAT_DEFAULT : checks.stream().map(Item::key).toList();
            StringBuilder b = new StringBuilder(Long.toString(r.value())).append(" {");
            for (String k : keys) {
                b.append(k).append('=').append(r.fields().get(k)).append(' ');
            }
            b.setLength(b.length() - 1);
            return b.append('}').toString();
        }
        if (sc == Syscall.GETDENTS && (!checks.isEmpty() || !r.names().isEmpty())) {
            // the names, as the model prints them
            return r.value() + " {names=" + String.join(",", r.names()) + "}";
        }
        return Long.toString(r.value());
    }

    /** A read's bytes, when the trace states them ({@code read(3, 4) = 4 "abcd"}). */
    static String dataVerdict(Outcome expected, Result r) {
        if (!(expected instanceof Outcome.Returns ret) || ret.data() == null) {
            return null;
        }
        String got = new String(r.data(), java.nio.charset.StandardCharsets.ISO_8859_1);
        return got.equals(ret.data().bytes()) ? null
                : "expected the bytes " + fusesim.model.Bytes.of(ret.data().bytes()) + ", found " + fusesim.model.Bytes.of(got);
    }

    /** The bytes of a trace write: the model's convention, {@code 'A' + (origin + i) % 26}. */
    static byte[] written(long origin, long n) {
        return fusesim.model.Bytes.written(origin, n).latin1().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String outcomeVerdict(Outcome expected, Long value, int errno, String found) {
        boolean met;
        if (expected instanceof Outcome.Any) {
            met = true;
        } else if (expected instanceof Outcome.Returns r) {
            met = value != null && value == r.value().value();
        } else if (expected instanceof Outcome.Fails f) {
            met = value == null && errno == f.errno().errno().number();
        } else {
            met = value != null;
        }
        return met ? null : "expected " + TracePrinter.outcome(expected) + ", found " + found;
    }

    static String checkVerdict(List<Item> checks, Result r, String found) {
        for (Item i : checks) {
            if (i.key().equals("names")) {
                List<String> want = ((Value.Names) i.value()).names();
                if (!want.equals(r.names())) {
                    return "expected names=" + String.join(",", want) + ", found names=" + String.join(",", r.names());
                }
                continue;
            }
            String got = r.fields().get(i.key());
            long want = ((Value.Int) i.value()).value();
            if (got == null || Long.decode(got) != want) {
                return "expected " + i.key() + "=" + TracePrinter.value(i.value(), "|") + ", found " + found;
            }
        }
        return null;
    }
}
