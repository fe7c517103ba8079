package fusesim.kernel.driver;

import com.sun.jna.Pointer;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.StatBuf;
import fusesim.model.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Executes one syscall on the calling (driver) thread and formats the outcome as protocol fields
 * ({@code = value ...} or {@code -1 ERRNO}). Memory access through mappings goes through a memfd with
 * pwrite/pread, so a bad page gives EFAULT instead of a SIGBUS in the JVM.
 */
final class Syscalls {
    private int memfd = -1;

    /** Closes this thread's memfd (the thread ends). */
    void close() {
        if (memfd >= 0) {
            Libc.close(memfd);
            memfd = -1;
        }
    }

    List<String> run(String op, List<String> a) {
        return switch (op) {
            case "open" -> opened(Libc.open(a.get(0), i(a, 1), i(a, 2)));
            case "close" -> {
                DriverMain.FDS.remove(i(a, 0)); // close(2) frees the fd even when it fails
                yield num(Libc.close(i(a, 0)));
            }
            case "dup" -> opened(Libc.dup(i(a, 0)));
            case "creds" -> creds();
            case "read" -> read(i(a, 0), i(a, 1), -1);
            case "pread" -> read(i(a, 0), i(a, 1), l(a, 2));
            case "write" -> write(i(a, 0), a.get(1), -1);
            case "pwrite" -> write(i(a, 0), a.get(1), l(a, 2));
            case "preadv" -> preadv(i(a, 0), lengths(a.get(1)), l(a, 2));
            case "pwritev" -> pwritev(i(a, 0), lengths(a.get(1)), a.get(2), l(a, 3));
            case "utimensat" -> num(Libc.utimensat(Libc.AT_FDCWD, a.get(0), timespecs(a.get(1)), i(a, 2)));
            case "futimens" -> num(Libc.futimens(i(a, 0), timespecs(a.get(1))));
            case "lseek" -> num(Libc.lseek(i(a, 0), l(a, 1), i(a, 2)));
            case "mmap" -> mmap(a);
            case "munmap" -> {
                long rc = Libc.munmap(l(a, 0), l(a, 1));
                if (rc == 0) {
                    DriverMain.MAPS.remove(l(a, 0));
                }
                yield num(rc);
            }
            case "mread" -> mread(l(a, 0) + l(a, 1), i(a, 2));
            case "mwrite" -> mwrite(l(a, 0) + l(a, 1), a.get(2));
            case "fstat" -> stat(op, a.get(0));
            case "stat", "lstat" -> stat(op, a.get(0));
            case "truncate" -> num(Libc.truncate(a.get(0), l(a, 1)));
            case "ftruncate" -> num(Libc.ftruncate(i(a, 0), l(a, 1)));
            case "chmod" -> num(Libc.chmod(a.get(0), i(a, 1)));
            case "fchmod" -> num(Libc.fchmod(i(a, 0), i(a, 1)));
            case "chown" -> num(Libc.chown(a.get(0), i(a, 1), i(a, 2)));
            case "fchown" -> num(Libc.fchown(i(a, 0), i(a, 1), i(a, 2)));
            case "fallocate" -> num(Libc.fallocate(i(a, 0), i(a, 1), l(a, 2), l(a, 3)));
            case "fsync" -> num(Libc.fsync(i(a, 0)));
            case "fdatasync" -> num(Libc.fdatasync(i(a, 0)));
            case "getdents" -> getdents(i(a, 0));
            case "mkdir" -> num(Libc.mkdir(a.get(0), i(a, 1)));
            case "unlink" -> num(Libc.unlink(a.get(0)));
            case "rmdir" -> num(Libc.rmdir(a.get(0)));
            case "link" -> num(Libc.link(a.get(0), a.get(1)));
            case "symlink" -> num(Libc.symlink(a.get(0), a.get(1)));
            case "mknod" -> num(Libc.mknod(a.get(0), i(a, 1), 0)); // dev 0: the trace language has no dev
            case "rename" -> num(Libc.rename(a.get(0), a.get(1)));
            case "renameat2" -> num(Libc.renameat2(Libc.AT_FDCWD, a.get(0), Libc.AT_FDCWD, a.get(1), i(a, 2)));
            case "access" -> num(Libc.access(a.get(0), i(a, 1)));
            case "getxattr" -> num(Libc.getxattr(a.get(0), a.get(1), buf(l(a, 2)), l(a, 2)));
            case "setxattr" -> num(Libc.setxattr(a.get(0), a.get(1), new byte[i(a, 2)], l(a, 2), i(a, 3)));
            case "listxattr" -> num(Libc.listxattr(a.get(0), buf(l(a, 1)), l(a, 1)));
            case "removexattr" -> num(Libc.removexattr(a.get(0), a.get(1)));
            case "fgetxattr" -> num(Libc.fgetxattr(i(a, 0), a.get(1), buf(l(a, 2)), l(a, 2)));
            case "fsetxattr" -> num(Libc.fsetxattr(i(a, 0), a.get(1), new byte[i(a, 2)], l(a, 2), i(a, 3)));
            case "flistxattr" -> num(Libc.flistxattr(i(a, 0), buf(l(a, 1)), l(a, 1)));
            case "fremovexattr" -> num(Libc.fremovexattr(i(a, 0), a.get(1)));
            case "readlink" -> readlink(a.get(0));
            case "repeat" -> repeat(i(a, 0), a.get(1), a.subList(2, a.size()));
            default -> List.of("-1", "ENOSYS");
        };
    }

    /** Runs {@code op} n times in this thread (for rate measurements); the value is the elapsed ns. */
    private List<String> repeat(int n, String op, List<String> args) {
        long t0 = System.nanoTime();
        for (int k = 0; k < n; k++) {
            List<String> r = run(op, args);
            if (!r.get(0).startsWith("=")) {
                return r;
            }
        }
        return List.of("= " + (System.nanoTime() - t0));
    }

    /** An xattr buffer: none for size 0 (the length is asked), else size zero bytes. */
    private static byte[] buf(long size) {
        return size == 0 ? null : new byte[(int) size];
    }

    private static int i(List<String> a, int k) {
        return (int) Long.parseLong(a.get(k));
    }

    private static long l(List<String> a, int k) {
        return Long.parseLong(a.get(k));
    }

    private static List<String> num(long rc) {
        return rc < 0 ? err() : List.of("= " + rc);
    }

    private static List<String> err() {
        return List.of("-1", Errno.nameOf(Libc.errno()));
    }

    private static List<String> withData(long n, byte[] buf) {
        byte[] data = java.util.Arrays.copyOf(buf, (int) n);
        return List.of("= " + n, "data=" + Base64.getEncoder().encodeToString(data));
    }

    private static List<String> read(int fd, int count, long off) {
        byte[] buf = new byte[count];
        long n = off < 0 ? Libc.read(fd, buf, count) : Libc.pread(fd, buf, count, off);
        return n < 0 ? err() : withData(n, buf);
    }

    private static List<String> write(int fd, String b64, long off) {
        byte[] data = Base64.getDecoder().decode(b64);
        return num(off < 0 ? Libc.write(fd, data, data.length) : Libc.pwrite(fd, data, data.length, off));
    }

    /** UTIME_NOW / UTIME_OMIT (include/uapi/linux/stat.h). */
    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    /**
     * utimensat's times in the trace's shared encoding ({@code null}, or {@code A,M} each
     * {@code now}, {@code omit} or {@code S:N}) as NULL or struct timespec[2].
     */
    static com.sun.jna.Memory timespecs(String enc) {
        if (enc.equals("null")) {
            return null;
        }
        String[] two = enc.split(",");
        com.sun.jna.Memory ts = new com.sun.jna.Memory(32);
        for (int k = 0; k < 2; k++) {
            String t = two[k];
            long sec = 0;
            long nsec;
            if (t.equals("now")) {
                nsec = UTIME_NOW;
            } else if (t.equals("omit")) {
                nsec = UTIME_OMIT;
            } else {
                int colon = t.indexOf(':');
                sec = Long.parseLong(t.substring(0, colon));
                nsec = Long.parseLong(t.substring(colon + 1));
            }
            ts.setLong(16L * k, sec);
            ts.setLong(16L * k + 8, nsec);
        }
        return ts;
    }

    /** The iovec lengths "4,4" of preadv/pwritev. */
    private static long[] lengths(String joined) {
        return java.util.Arrays.stream(joined.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** struct iovec[] over one buffer of the summed length, each iovec the next part of it. */
    private static com.sun.jna.Memory iovecs(long[] lens, com.sun.jna.Memory buf) {
        com.sun.jna.Memory iov = new com.sun.jna.Memory(16L * lens.length);
        long at = 0;
        for (int k = 0; k < lens.length; k++) {
            iov.setPointer(16L * k, buf.share(at));
            iov.setLong(16L * k + 8, lens[k]);
            at += lens[k];
        }
        return iov;
    }

    private static com.sun.jna.Memory buffer(long[] lens) {
        return new com.sun.jna.Memory(Math.max(1, java.util.Arrays.stream(lens).sum()));
    }

    private static List<String> preadv(int fd, long[] lens, long off) {
        com.sun.jna.Memory buf = buffer(lens);
        long n = Libc.preadv(fd, iovecs(lens, buf), lens.length, off);
        return n < 0 ? err() : withData(n, buf.getByteArray(0, (int) n));
    }

    private static List<String> pwritev(int fd, long[] lens, String b64, long off) {
        byte[] data = Base64.getDecoder().decode(b64);
        com.sun.jna.Memory buf = buffer(lens);
        buf.write(0, data, 0, data.length);
        return num(Libc.pwritev(fd, iovecs(lens, buf), lens.length, off));
    }

    private static List<String> mmap(List<String> a) {
        long addr = Libc.mmap(0, l(a, 1), i(a, 2), i(a, 3), i(a, 0), l(a, 4));
        if (addr == -1) {
            return err();
        }
        DriverMain.MAPS.put(addr, l(a, 1));
        return List.of("= " + addr);
    }

    /** An fd from open/dup, remembered until closed (a session's reset closes what is left). */
    private static List<String> opened(long fd) {
        if (fd >= 0) {
            DriverMain.FDS.add((int) fd);
        }
        return num(fd);
    }

    /** This thread's real and effective uid and gid (from /proc/thread-self/status). */
    private static List<String> creds() {
        try {
            String uid = "", gid = "";
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = line.substring(4).trim().split("\\s+")[1];
                } else if (line.startsWith("Gid:")) {
                    gid = line.substring(4).trim().split("\\s+")[1];
                }
            }
            return List.of("= " + uid, "uid=" + uid, "gid=" + gid);
        } catch (java.io.IOException e) {
            return List.of("-1", "EIO");
        }
    }

    private int memfd() {
        if (memfd < 0) {
            com.sun.jna.Memory name = new com.sun.jna.Memory(16);
            name.setString(0, "fusesim");
            memfd = (int) Libc.syscall(Libc.SYS_MEMFD_CREATE, Pointer.nativeValue(name), 1 /* CLOEXEC */, 0);
        }
        return memfd;
    }

    /** Reads {@code len} bytes at {@code addr} by pwrite()ing them from the mapping into a memfd. */
    private List<String> mread(long addr, int len) {
        long n = Libc.pwrite(memfd(), new Pointer(addr), len, 0);
        if (n < 0) {
            return err();
        }
        byte[] buf = new byte[(int) n];
        Libc.pread(memfd(), buf, n, 0);
        return withData(n, buf);
    }

    /** Writes bytes at {@code addr} by pread()ing them from a memfd into the mapping. */
    private List<String> mwrite(long addr, String b64) {
        byte[] data = Base64.getDecoder().decode(b64);
        Libc.pwrite(memfd(), data, data.length, 0);
        return num(Libc.pread(memfd(), new Pointer(addr), data.length, 0));
    }

    private static List<String> stat(String op, String target) {
        byte[] raw = new byte[StatBuf.SIZE];
        int rc = switch (op) {
            case "fstat" -> Libc.fstat(Integer.parseInt(target), raw);
            case "stat" -> Libc.stat(target, raw);
            default -> Libc.lstat(target, raw);
        };
        if (rc != 0) {
            return err();
        }
        StatBuf s = StatBuf.decode(raw);
        return List.of("= 0", "ino=" + s.ino(), "size=" + s.size(), "mode=0" + Integer.toOctalString(s.mode()),
                "nlink=" + s.nlink(), "uid=" + s.uid(), "gid=" + s.gid(), "blocks=" + s.blocks(),
                "mtime=" + s.mtime(), "ctime=" + s.ctime());
    }

    /** getdents64(2) until end of directory; the names in kernel order. */
    private static List<String> getdents(int fd) {
        com.sun.jna.Memory buf = new com.sun.jna.Memory(32768);
        List<String> names = new ArrayList<>();
        while (true) {
            long n = Libc.syscall(Libc.SYS_GETDENTS64, fd, Pointer.nativeValue(buf), buf.size());
            if (n < 0) {
                return err();
            }
            if (n == 0) {
                return List.of("= " + names.size(), "names=" + String.join("/", names));
            }
            ByteBuffer b = buf.getByteBuffer(0, n).order(ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < n; p += Short.toUnsignedInt(b.getShort(p + 16))) {
                int reclen = Short.toUnsignedInt(b.getShort(p + 16));
                byte[] name = new byte[reclen - 19];
                b.get(p + 19, name);
                int len = 0;
                while (len < name.length && name[len] != 0) {
                    len++; // d_name ends at its NUL; the padding after it is garbage
                }
                names.add(new String(name, 0, len, StandardCharsets.UTF_8));
            }
        }
    }

    private static List<String> readlink(String path) {
        byte[] buf = new byte[4096];
        long n = Libc.readlink(path, buf, buf.length);
        return n < 0 ? err() : List.of("= " + n, "target=" + new String(buf, 0, (int) n, StandardCharsets.UTF_8));
    }
}
