package fusesim.kernel.proto;

/**
 * FUSE_INIT capability bits as one 64-bit value: bits 0..31 travel in {@code flags}, bits 32..63 in
 * {@code flags2} (only when {@link #INIT_EXT} is set). Mirrors include/uapi/linux/fuse.h (7.45).
 */
public final class InitFlags {
    private InitFlags() {}

    public static final long ASYNC_READ = 1L << 0;
    public static final long POSIX_LOCKS = 1L << 1;
    public static final long ATOMIC_O_TRUNC = 1L << 3;
    public static final long EXPORT_SUPPORT = 1L << 4;
    public static final long BIG_WRITES = 1L << 5;
    public static final long DONT_MASK = 1L << 6;
    public static final long FLOCK_LOCKS = 1L << 10;
    public static final long AUTO_INVAL_DATA = 1L << 12;
    public static final long DO_READDIRPLUS = 1L << 13;
    public static final long READDIRPLUS_AUTO = 1L << 14;
    public static final long ASYNC_DIO = 1L << 15;
    public static final long WRITEBACK_CACHE = 1L << 16;
    public static final long NO_OPEN_SUPPORT = 1L << 17;
    public static final long PARALLEL_DIROPS = 1L << 18;
    public static final long MAX_PAGES = 1L << 22;
    public static final long CACHE_SYMLINKS = 1L << 23;
    public static final long NO_OPENDIR_SUPPORT = 1L << 24;
    public static final long INIT_EXT = 1L << 30;
    public static final long DIRECT_IO_ALLOW_MMAP = 1L << 36;
    /** FUSE_PASSTHROUGH: flags2 bit 5 (0x20). */
    public static final long PASSTHROUGH = 1L << 37;
    public static final long NO_EXPORT_SUPPORT = 1L << 38;
    public static final long HAS_RESEND = 1L << 39;
    public static final long REQUEST_TIMEOUT = 1L << 42;
    /** FUSE_PASSTHROUGH_INO from the "extend passthrough to inode operations" series: flags2 bit 11. */
    public static final long PASSTHROUGH_INO = 1L << 43;

    /** The 64-bit value from the two 32-bit wire fields. */
    public static long combine(int flags, int flags2) {
        return Wire.u32(flags) | (Wire.u32(flags2) << 32);
    }

    /** The low word, for {@code flags}. */
    public static int low(long flags64) {
        return (int) flags64;
    }

    /** The high word, for {@code flags2}. */
    public static int high(long flags64) {
        return (int) (flags64 >>> 32);
    }
}
