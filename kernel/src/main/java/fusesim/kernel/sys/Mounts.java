package fusesim.kernel.sys;

import fusesim.model.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mounting and tearing down the oracle's FUSE mounts. Mounts are recognisable: source {@value #SOURCE},
 * type {@value #FSTYPE}, mountpoint {@code /tmp/fusesim-mnt-<owner pid>-<n>}. Teardown never stats the
 * mount: it finds the connection id (the minor of the {@code 0:NN} device) in /proc/self/mountinfo,
 * aborts it through fusectl ({@code fs/fuse/control.c fuse_conn_abort_write}), then detaches.
 */
public final class Mounts {
    public static final String SOURCE = "fusesim";
    public static final String FSTYPE = "fuse.fusesim";
    public static final Path BASE = Path.of("/tmp");
    /**
     * Where lower trees go: /dev/shm when it is a tmpfs, else {@link #BASE}. The model's lower file
     * system has no O_DIRECT alignment rule; ext4 (/tmp here) has (an unaligned O_DIRECT read or
     * write on a passthrough file fails with EINVAL in the backing file), tmpfs has none.
     */
    public static final Path LOWER_BASE = MountEntry.readAll().stream()
            .anyMatch(e -> e.mountpoint().equals("/dev/shm") && e.fstype().equals("tmpfs")) ? Path.of("/dev/shm") : BASE;
    public static final String MOUNT_PREFIX = "fusesim-mnt-";
    public static final String LOWER_PREFIX = "fusesim-lower-";
    public static final Path FUSECTL = Path.of("/sys/fs/fuse/connections");
    private static final Pattern OWNED = Pattern.compile("fusesim-(?:mnt|lower)-(\\d+)-\\d+");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Object FUSECTL_LOCK = new Object();

    private Mounts() {}

    /**
     * Why the oracle must not make its directories under {@code base}, or null: a symbolic link (it
     * could point anywhere), not a directory, world-writable without the sticky bit (another user
     * could rename or replace our directories), or on a FUSE mount (possibly our own: a replay would
     * then deadlock on itself or write through a file system it does not control).
     */
    public static String unsafeBase(Path base, List<MountEntry> mounts) {
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(base.toString(), err);
        if (st == null) {
            return base + " cannot be used for the oracle's directories: " + Errno.nameOf(err[0]);
        }
        if ((st.mode() & StatBuf.S_IFMT) == StatBuf.S_IFLNK) {
            return base + " is a symbolic link: the oracle makes its directories only in a real directory";
        }
        if (!st.isDir()) {
            return base + " is not a directory";
        }
        if ((st.mode() & 0002) != 0 && (st.mode() & 01000) == 0) {
            return base + " is world-writable without the sticky bit (mode 0" + Integer.toOctalString(st.mode() & 07777)
                    + "): another user could replace the oracle's directories";
        }
        MountEntry under = null;
        for (MountEntry e : mounts) {
            if (base.startsWith(Path.of(e.mountpoint()))
                    && (under == null || e.mountpoint().length() >= under.mountpoint().length())) {
                under = e;
            }
        }
        if (under != null && under.fstype().startsWith("fuse")) { // fuse, fuse.*, fuseblk
            return base + " is on a FUSE mount (" + under.fstype() + " at " + under.mountpoint()
                    + "): the oracle's directories must not be on a FUSE file system";
        }
        return null;
    }

    /** {@link #unsafeBase} for the oracle's two bases ({@link #BASE}, {@link #LOWER_BASE}), or null. */
    public static String unsafeBases() {
        List<MountEntry> mounts = MountEntry.readAll();
        for (Path b : LOWER_BASE.equals(BASE) ? List.of(BASE) : List.of(BASE, LOWER_BASE)) {
            String why = unsafeBase(b, mounts);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** A fresh empty directory {@code /tmp/<prefix><pid>-<n>} owned by this process. */
    public static Path freshDir(String prefix) {
        for (int tries = 0; tries < 1000; tries++) {
            Path p = (prefix.equals(LOWER_PREFIX) ? LOWER_BASE : BASE)
                    .resolve(prefix + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
            if (Libc.mkdir(p.toString(), 0755) == 0) {
                return p;
            }
            if (Libc.errno() != Errno.EEXIST.value) {
                throw new IllegalStateException("cannot create " + p + ": " + Errno.nameOf(Libc.errno()));
            }
        }
        throw new IllegalStateException("cannot create a fresh directory under " + BASE);
    }

    /** mount(2) of a FUSE file system on {@code mountpoint} served by the /dev/fuse fd {@code fd}. */
    public static void mount(int fd, Path mountpoint, boolean allowOther, boolean defaultPermissions) {
        String opts = "fd=" + fd + ",rootmode=40000,user_id=0,group_id=0"
                + (allowOther ? ",allow_other" : "") + (defaultPermissions ? ",default_permissions" : "");
        if (Libc.mount(SOURCE, mountpoint.toString(), FSTYPE, Libc.MS_NOSUID | Libc.MS_NODEV, opts) != 0) {
            throw new IllegalStateException("mount(" + mountpoint + ", " + opts + ") failed: "
                    + Errno.nameOf(Libc.errno()));
        }
    }

    /** The FUSE connection id (fusectl directory name) of the mount at {@code mountpoint}, if mounted. */
    public static Optional<Integer> connectionId(Path mountpoint) {
        return MountEntry.readAll().stream()
                .filter(e -> e.isFuse() && e.mountpoint().equals(mountpoint.toString()))
                .map(e -> e.minor()).reduce((a, b) -> b);
    }

    /** True if anything is mounted at {@code path} (from mountinfo, without touching it). */
    public static boolean isMounted(Path path) {
        return MountEntry.readAll().stream().anyMatch(e -> e.mountpoint().equals(path.toString()));
    }

    /**
     * Aborts FUSE connection {@code id} by writing to {@code /sys/fs/fuse/connections/<id>/abort}. Mounts
     * fusectl for the duration if it is not mounted. Returns false if the connection is already gone.
     */
    public static boolean abort(int id) {
        synchronized (FUSECTL_LOCK) {
            boolean mountedHere = ensureFusectl();
            try {
                Path abort = FUSECTL.resolve(Integer.toString(id)).resolve("abort");
                if (!Files.exists(abort)) {
                    return false;
                }
                Files.write(abort, "1".getBytes(StandardCharsets.US_ASCII));
                return true;
            } catch (IOException e) {
                return false;
            } finally {
                if (mountedHere) {
                    Libc.umount2(FUSECTL.toString(), Libc.MNT_DETACH);
                }
            }
        }
    }

    private static boolean ensureFusectl() {
        boolean present = MountEntry.readAll().stream()
                .anyMatch(e -> e.fstype().equals("fusectl") && e.mountpoint().equals(FUSECTL.toString()));
        if (present) {
            return false;
        }
        return Libc.mount("fusectl", FUSECTL.toString(), "fusectl", 0, null) == 0;
    }

    /** Aborts the connection (if any) and lazily unmounts {@code mountpoint}, then removes the directory. */
    public static void teardown(Path mountpoint) {
        for (int round = 0; round < 5 && isMounted(mountpoint); round++) {
            connectionId(mountpoint).ifPresent(Mounts::abort);
            Libc.umount2(mountpoint.toString(), Libc.MNT_DETACH);
        }
        if (!isMounted(mountpoint)) {
            Libc.rmdir(mountpoint.toString());
        }
    }

    /**
     * Cleans up what earlier crashed runs left: our mounts whose owner process is gone are aborted and
     * detached, and their mountpoint and lower directories removed. Returns a line per action.
     */
    public static List<String> cleanupStale() {
        List<String> actions = new ArrayList<>();
        for (MountEntry e : MountEntry.readAll()) {
            if (e.isFuse() && e.source().equals(SOURCE) && isStale(Path.of(e.mountpoint()))) {
                teardown(Path.of(e.mountpoint()));
                actions.add("unmounted stale " + e.mountpoint());
            }
        }
        for (Path base : LOWER_BASE.equals(BASE) ? List.of(BASE) : List.of(BASE, LOWER_BASE)) {
            try (var dirs = Files.list(base)) {
                for (Path p : (Iterable<Path>) dirs::iterator) {
                    if (isStale(p) && !isMounted(p)) {
                        removeTree(p);
                        actions.add("removed stale " + p);
                    }
                }
            } catch (IOException e) {
                actions.add("could not list " + base + ": " + e.getMessage());
            }
        }
        return actions;
    }

    /** A path of ours whose owning process no longer runs a JVM. */
    static boolean isStale(Path p) {
        Matcher m = OWNED.matcher(p.getFileName() == null ? "" : p.getFileName().toString());
        if (!(p.startsWith(BASE) || p.startsWith(LOWER_BASE)) || !m.matches()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        return ProcessHandle.of(pid).map(h -> !h.isAlive() || !isJava(pid)).orElse(true);
    }

    private static boolean isJava(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals("java");
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree that is not (and contains no) mount; never follows symlinks. */
    public static void removeTree(Path root) {
        if (MountEntry.readAll().stream().anyMatch(e -> Path.of(e.mountpoint()).startsWith(root))) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover is removed by the next cleanupStale
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }

    /** Our FUSE mounts still present (this run's and any other run's). */
    public static List<String> ourMounts() {
        return MountEntry.readAll().stream().filter(e -> e.isFuse() && e.source().equals(SOURCE))
                .map(MountEntry::mountpoint).toList();
    }

    /**
     * The fusesim mounts this JVM made ({@code fusesim-mnt-<this pid>-<n>}): what a test may check it
     * left none of, while another run (another pid) uses the kernel at the same time.
     */
    public static List<String> thisJvmMounts() {
        String mine = MOUNT_PREFIX + ProcessHandle.current().pid() + "-";
        return ourMounts().stream().filter(m -> Path.of(m).getFileName().toString().startsWith(mine)).toList();
    }
}
