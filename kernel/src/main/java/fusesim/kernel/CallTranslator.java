package fusesim.kernel;

import fusesim.kernel.driver.Flags;
import fusesim.kernel.driver.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A {@link KernelSession}'s translation between a trace's calls and the driver's: paths under the
 * mount, trace fds to real fds (numbered as the kernel allocates them: the lowest free from 3, taken
 * when an open starts), mmap addresses to {@code m1, m2, ...}, symbolic flags, data in base64.
 */
final class CallTranslator {
    private final TreeMap<Integer, Integer> fds = new TreeMap<>();
    /** The trace fd an open or dup in flight reserved when it started (get_unused_fd_flags), by thread. */
    private final Map<String, Integer> reservedFd = new LinkedHashMap<>();
    /** A reserved trace fd: no real fd yet (a call on it fails with EBADF, as on the kernel). */
    private static final int RESERVED = -1;
    private final Map<String, Long> maps = new LinkedHashMap<>();
    private final Supplier<Path> mountpoint;

    /** {@code mountpoint}: the mount's directory, or an error when not mounted yet. */
    CallTranslator(Supplier<Path> mountpoint) {
        this.mountpoint = mountpoint;
    }

    /** The trace fd bookkeeping when {@code thread} starts call {@code name}. */
    void started(String thread, String name, Object[] args) {
        if (name.equals("close")) {
            // close(2) frees the fd number at once (file_close_fd), before FLUSH: while a close
            // is in flight another thread's open gets that number
            fds.remove(Integer.parseInt(args[0].toString()));
        } else if (name.equals("open") || name.equals("dup")) {
            // do_sys_openat2() / dup(): get_unused_fd_flags() takes the lowest free number when
            // the call starts, so of two opens in flight the first started gets the lower fd,
            // whichever returns first
            int t = 3;
            while (fds.containsKey(t)) {
                t++;
            }
            fds.put(t, RESERVED);
            reservedFd.put(thread, t);
        }
    }

    /** Translates trace arguments (paths under the mount, trace fds, symbolic flags, data) for the driver. */
    List<Object> translate(String name, Object[] a) {
        List<Object> out = new ArrayList<>();
        switch (name) {
            case "open" -> { out.add(path(a[0])); out.add(Flags.parse(a[1])); out.add(a.length > 2 ? Flags.parse(a[2]) : 0644); }
            case "close", "dup", "fstat", "fsync", "fdatasync", "getdents" -> out.add(fd(a[0]));
            case "read" -> { out.add(fd(a[0])); out.add(a[1]); }
            case "pread" -> { out.add(fd(a[0])); out.add(a[1]); out.add(a[2]); }
            case "write" -> { out.add(fd(a[0])); out.add(data(a[1])); }
            case "pwrite" -> { out.add(fd(a[0])); out.add(data(a[1])); out.add(a[2]); }
            case "preadv" -> { out.add(fd(a[0])); out.add(a[1]); out.add(a[2]); } // lengths "4,4"
            case "pwritev" -> { out.add(fd(a[0])); out.add(a[1]); out.add(data(a[2])); out.add(a[3]); }
            case "lseek" -> { out.add(fd(a[0])); out.add(a[1]); out.add(Flags.parse(a[2])); }
            case "ftruncate" -> { out.add(fd(a[0])); out.add(a[1]); }
            case "fchmod" -> { out.add(fd(a[0])); out.add(Flags.parse(a[1])); }
            case "fchown" -> { out.add(fd(a[0])); out.add(a[1]); out.add(a[2]); }
            case "fallocate" -> { out.add(fd(a[0])); out.add(Flags.parse(a[1])); out.add(a[2]); out.add(a[3]); }
            case "mmap" -> { out.add(fd(a[0])); out.add(a[1]); out.add(Flags.parse(a[2])); out.add(Flags.parse(a[3])); out.add(a.length > 4 ? a[4] : 0); }
            case "munmap" -> { out.add(map(a[0])); out.add(a[1]); }
            case "mread" -> { out.add(map(a[0])); out.add(a[1]); out.add(a[2]); }
            case "mwrite" -> { out.add(map(a[0])); out.add(a[1]); out.add(data(a[2])); }
            case "stat", "lstat", "unlink", "rmdir", "readlink" -> out.add(path(a[0]));
            case "truncate" -> { out.add(path(a[0])); out.add(a[1]); }
            case "chmod", "mkdir", "access", "mknod" -> { out.add(path(a[0])); out.add(Flags.parse(a[1])); }
            case "chown" -> { out.add(path(a[0])); out.add(a[1]); out.add(a[2]); }
            case "link", "rename" -> { out.add(path(a[0])); out.add(path(a[1])); }
            case "renameat2" -> { out.add(path(a[0])); out.add(path(a[1])); out.add(Flags.parse(a[2])); }
            case "getxattr" -> { out.add(path(a[0])); out.add(a[1]); out.add(a[2]); }
            case "setxattr" -> { out.add(path(a[0])); out.add(a[1]); out.add(a[2]); out.add(Flags.parse(a[3])); }
            case "listxattr" -> { out.add(path(a[0])); out.add(a[1]); }
            case "removexattr" -> { out.add(path(a[0])); out.add(a[1]); }
            case "fgetxattr" -> { out.add(fd(a[0])); out.add(a[1]); out.add(a[2]); }
            case "fsetxattr" -> { out.add(fd(a[0])); out.add(a[1]); out.add(a[2]); out.add(Flags.parse(a[3])); }
            case "flistxattr" -> { out.add(fd(a[0])); out.add(a[1]); }
            case "fremovexattr" -> { out.add(fd(a[0])); out.add(a[1]); }
            case "symlink" -> { out.add(a[0]); out.add(path(a[1])); }
            case "utimensat" -> { out.add(path(a[0])); out.add(a[1]); out.add(Flags.parse(a[2])); } // times "now,omit"
            case "futimens" -> { out.add(fd(a[0])); out.add(a[1]); }
            case "repeat" -> { out.add(a[0]); out.add(a[1]); out.addAll(translate(a[1].toString(), java.util.Arrays.copyOfRange(a, 2, a.length))); }
            default -> throw new IllegalArgumentException("unknown syscall '" + name + "'");
        }
        return out;
    }

    String path(Object tracePath) {
        String p = tracePath.toString();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("paths are absolute inside the mount: '" + p + "'");
        }
        return p.equals("/") ? mountpoint.get().toString() : mountpoint.get() + p;
    }

    private int fd(Object traceFd) {
        int t = Integer.parseInt(traceFd.toString());
        if (t < 0) {
            return t; // fdget() fails for a negative fd: EBADF, as the trace states it
        }
        Integer real = fds.get(t);
        return real == null ? 100000 + t : real; // an fd the driver surely has not open: EBADF
    }

    private long map(Object traceMap) {
        Long addr = maps.get(traceMap.toString());
        if (addr == null) {
            throw new IllegalArgumentException("unknown mapping " + traceMap);
        }
        return addr;
    }

    private static String data(Object d) {
        byte[] raw = d instanceof byte[] b ? b : d.toString().getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** Maps real fds to trace fds (lowest free from 3, as the kernel allocates) and mmap addresses to m1... */
    Result afterCall(String thread, String call, Object[] args, Result r) {
        // close: the trace fd was freed when the call started (start()); by now it may name a new file
        Integer reserved = reservedFd.remove(thread);
        if (!r.ok()) {
            if (reserved != null) {
                fds.remove(reserved); // put_unused_fd()
            }
            return r;
        }
        switch (call) {
            case "open", "dup" -> {
                fds.put(reserved, (int) r.value());
                return new Result(reserved, null, r.fields());
            }
            case "mmap" -> {
                String m = "m" + (maps.size() + 1);
                maps.put(m, r.value());
                Map<String, String> f = new LinkedHashMap<>(r.fields());
                f.put("map", m);
                return new Result(maps.size(), null, f);
            }
            default -> {
                return r;
            }
        }
    }
}
