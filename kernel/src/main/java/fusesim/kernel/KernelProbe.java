package fusesim.kernel;

import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.InitIn;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.FuseDevice;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.Mounts;
import fusesim.model.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Can this machine's kernel serve as the oracle? Checks, in order: JNA binds libc, we have
 * CAP_SYS_ADMIN, /dev/fuse opens, a FUSE mount works and answers INIT, and the kernel offers
 * FUSE_PASSTHROUGH (flags2 bit 5). The result is computed once per JVM. {@code FUSESIM_KERNEL=off} in
 * the environment switches the oracle off (the tests that need it are skipped, with that reason).
 */
public record KernelProbe(boolean usable, String reason, long offeredFlags, int minor) {
    private static KernelProbe cached;

    /** The probe result (cached). */
    public static synchronized KernelProbe get() {
        if (cached == null) {
            cached = run();
        }
        return cached;
    }

    /** True if the kernel offered {@code flag} in FUSE_INIT. */
    public boolean offers(long flag) {
        return (offeredFlags & flag) == flag;
    }

    private static KernelProbe run() {
        if ("off".equals(System.getenv("FUSESIM_KERNEL"))) {
            // for a machine shared by several runs: one that mounts and drops caches disturbs the other
            return no("FUSESIM_KERNEL=off in the environment: the real-kernel oracle is switched off");
        }
        String lib = Libc.loadProblem();
        if (lib != null) {
            return no("cannot call libc through JNA: " + lib);
        }
        if (!hasSysAdmin()) {
            return no("not running with CAP_SYS_ADMIN (mount and BACKING_OPEN need it)");
        }
        String base = Mounts.unsafeBases();
        if (base != null) {
            return no(base);
        }
        Mounts.cleanupStale();
        int fd = Libc.open("/dev/fuse", Libc.O_RDWR, 0);
        if (fd < 0) {
            return no("cannot open /dev/fuse: " + Errno.nameOf(Libc.errno()));
        }
        Libc.close(fd);
        return tryMount();
    }

    private static KernelProbe tryMount() {
        Path lower = Mounts.freshDir(Mounts.LOWER_PREFIX);
        Path mnt = null;
        FuseServer server = new FuseServer(new LowerTree(lower), new ServerConfig());
        try {
            FuseDevice dev = FuseDevice.open();
            mnt = Mounts.freshDir(Mounts.MOUNT_PREFIX);
            try {
                Mounts.mount(dev.fd(), mnt, true, false);
            } catch (IllegalStateException e) {
                dev.close();
                return no(e.getMessage());
            }
            server.start(dev);
            server.awaitInit(Duration.ofSeconds(5));
            InitIn offer = server.offer();
            if (!offer.offers(InitFlags.PASSTHROUGH)) {
                return new KernelProbe(false, "the kernel does not offer FUSE_PASSTHROUGH in FUSE_INIT "
                        + "(CONFIG_FUSE_PASSTHROUGH off?)", offer.flags64(), offer.minor());
            }
            return new KernelProbe(true, "usable: FUSE 7." + offer.minor() + ", passthrough offered",
                    offer.flags64(), offer.minor());
        } catch (RuntimeException e) {
            return no("FUSE mount probe failed: " + e.getMessage());
        } finally {
            if (mnt != null) {
                Mounts.connectionId(mnt).ifPresent(Mounts::abort);
            }
            server.close();
            if (mnt != null) {
                Mounts.teardown(mnt);
            }
            Mounts.removeTree(lower);
        }
    }

    private static boolean hasSysAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 21)) != 0;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static KernelProbe no(String reason) {
        return new KernelProbe(false, reason, 0, 0);
    }
}
