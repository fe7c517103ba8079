package fusesim.kernel.proto;

/** FOPEN_* bits of {@code fuse_open_out.open_flags} (include/uapi/linux/fuse.h). */
public final class FopenFlags {
    private FopenFlags() {}

    public static final int DIRECT_IO = 0x01;
    public static final int KEEP_CACHE = 0x02;
    public static final int NONSEEKABLE = 0x04;
    public static final int CACHE_DIR = 0x08;
    public static final int STREAM = 0x10;
    public static final int NOFLUSH = 0x20;
    public static final int PARALLEL_DIRECT_WRITES = 0x40;
    public static final int PASSTHROUGH = 0x80;
    /** FOPEN_PASSTHROUGH_MASK: the only bits allowed together with PASSTHROUGH. */
    public static final int PASSTHROUGH_MASK = PASSTHROUGH | DIRECT_IO | PARALLEL_DIRECT_WRITES | NOFLUSH;
}
