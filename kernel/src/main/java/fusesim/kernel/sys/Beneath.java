package fusesim.kernel.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import fusesim.model.Errno;
import java.nio.charset.StandardCharsets;

/**
 * Resolution of a path beneath a directory with no symbolic link on the way: openat2(2) with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS} (Linux 5.6+), or where
 * openat2 is missing an equivalent walk that lstat()s every component. The oracle's lower tree
 * and mount paths come from untrusted traces: this is what keeps them inside its directories.
 */
public final class Beneath {
    static final long SYS_OPENAT2 = 437;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;

    /** Set when openat2 is missing (ENOSYS): the lstat walk is used from then on. */
    private static volatile boolean noOpenat2;

    private Beneath() {}

    /** A path that would leave its directory or go through a symbolic link; the message says which. */
    public static final class Escape extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Escape(String message) {
            super(message);
        }
    }

    /**
     * Checks that {@code rel} (relative to {@code root}, no leading {@code /}) resolves beneath
     * root without a symbolic link, {@code .} or {@code ..} in any component. A missing component
     * ends the check (the operation that follows fails by itself with ENOENT).
     *
     * @throws Escape when it does not
     */
    public static void check(String root, String rel) {
        if (rel.isEmpty()) {
            return;
        }
        if (rel.startsWith("/")) {
            throw new Escape("absolute path " + rel + " where one beneath " + root + " was expected");
        }
        for (String part : rel.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new Escape("path " + rel + " beneath " + root + " has an empty, \".\" or \"..\" component");
            }
        }
        int err = noOpenat2 ? Errno.ENOSYS.value : openat2(root, rel);
        if (err == Errno.ENOSYS.value) {
            noOpenat2 = true;
            err = walk(root, rel);
        }
        if (err == Errno.ELOOP.value || err == Errno.EXDEV.value) {
            throw new Escape(root + "/" + rel + " goes through a symbolic link or leaves " + root
                    + " (" + Errno.nameOf(err) + " under RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS): refused");
        }
    }

    /** 0, or the errno of openat2(root, rel, O_PATH, beneath and no symlinks). */
    static int openat2(String root, String rel) {
        int dir = Libc.open(root, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
        if (dir < 0) {
            throw new Escape("cannot open " + root + " as a directory without following a link: "
                    + Errno.nameOf(Libc.errno()));
        }
        try {
            byte[] name = rel.getBytes(StandardCharsets.UTF_8);
            Memory path = new Memory(name.length + 1L);
            path.write(0, name, 0, name.length);
            path.setByte(name.length, (byte) 0);
            Memory how = new Memory(24); // struct open_how { u64 flags, mode, resolve; }
            // no O_NOFOLLOW: with O_PATH|O_NOFOLLOW openat2 returns a trailing symlink itself instead of ELOOP
            how.setLong(0, Libc.O_PATH | Libc.O_CLOEXEC);
            how.setLong(8, 0);
            how.setLong(16, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            long fd = Libc.syscall(SYS_OPENAT2, dir, Pointer.nativeValue(path), Pointer.nativeValue(how), 24);
            if (fd < 0) {
                int e = Libc.errno();
                return e == Errno.ENOENT.value || e == Errno.ENOTDIR.value ? 0 : e;
            }
            Libc.close((int) fd);
            return 0;
        } finally {
            Libc.close(dir);
        }
    }

    /** The walk without openat2: lstat each prefix; a symbolic link is ELOOP, a missing one ends it. */
    static int walk(String root, String rel) {
        StringBuilder p = new StringBuilder(root);
        byte[] buf = new byte[StatBuf.SIZE];
        for (String part : rel.split("/")) {
            p.append('/').append(part);
            if (Libc.lstat(p.toString(), buf) != 0) {
                return 0;
            }
            StatBuf st = StatBuf.decode(buf);
            if ((st.mode() & StatBuf.S_IFMT) == StatBuf.S_IFLNK) {
                return Errno.ELOOP.value;
            }
        }
        return 0;
    }

    /** For tests: force the lstat walk, as on a kernel without openat2. */
    public static void forceWalk(boolean on) {
        noOpenat2 = on;
    }
}
