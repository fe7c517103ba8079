package fusesim.kernel.server;

import fusesim.kernel.proto.InitFlags;

/**
 * What the server's FUSE_INIT reply accepts (the trace's {@code mount ...} line) and its default answers.
 * Flags are only accepted if the kernel offers them ({@code process_init_reply} in fs/fuse/inode.c
 * would otherwise act on them anyway; libfuse masks them the same way).
 */
public final class ServerConfig {
    /** Seconds used for "inf" timeouts: large, but positive as a time64_t. */
    public static final long INF = Integer.MAX_VALUE;

    boolean passthrough;
    boolean passthroughIno;
    boolean writebackCache;
    boolean parallelDirops;
    boolean directIoAllowMmap;
    boolean readdirplus;
    boolean noInitExt;
    boolean allowOther = true;
    boolean defaultPermissions;
    int minor = 45;
    int maxStackDepth = 1;
    int maxWrite = 131072;
    int maxPages = 256;
    long extraFlags;
    int initError;
    long entryValid = 86400;
    long attrValid = 86400;

    public ServerConfig passthrough(boolean on) { passthrough = on; return this; }
    /** FUSE_PASSTHROUGH_INO: requested, but accepted only if the kernel offers it (6.18 does not). */
    public ServerConfig passthroughIno(boolean on) { passthroughIno = on; return this; }
    public ServerConfig writebackCache(boolean on) { writebackCache = on; return this; }
    public ServerConfig parallelDirops(boolean on) { parallelDirops = on; return this; }
    public ServerConfig directIoAllowMmap(boolean on) { directIoAllowMmap = on; return this; }
    public ServerConfig readdirplus(boolean on) { readdirplus = on; return this; }
    /** Leave FUSE_INIT_EXT out of the reply (then flags2, and with it passthrough, is ignored). */
    public ServerConfig noInitExt(boolean on) { noInitExt = on; return this; }
    public ServerConfig allowOther(boolean on) { allowOther = on; return this; }
    public ServerConfig defaultPermissions(boolean on) { defaultPermissions = on; return this; }
    public ServerConfig minor(int v) { minor = v; return this; }
    public ServerConfig maxStackDepth(int v) { maxStackDepth = v; return this; }
    public ServerConfig maxWrite(int v) { maxWrite = v; return this; }
    /** Raw extra INIT bits (64-bit form), e.g. {@link InitFlags#ASYNC_READ}. */
    public ServerConfig extraFlags(long v) { extraFlags = v; return this; }
    /** Default entry timeout in seconds of the default LOOKUP answer. */
    public ServerConfig entryValid(long seconds) { entryValid = seconds; return this; }
    /** Default attribute timeout in seconds of the default LOOKUP/GETATTR/SETATTR answers. */
    public ServerConfig attrValid(long seconds) { attrValid = seconds; return this; }

    /** Answer FUSE_INIT with this errno (0: a normal reply). */
    public ServerConfig initError(int errno) { initError = errno; return this; }

    public boolean allowOther() { return allowOther; }
    public boolean defaultPermissions() { return defaultPermissions; }
    public int maxWrite() { return maxWrite; }
    public long entryValid() { return entryValid; }
    public long attrValid() { return attrValid; }

    /** The 64-bit INIT flags this configuration asks for (before masking with the offer). */
    public long requestedFlags() {
        long f = InitFlags.BIG_WRITES | InitFlags.MAX_PAGES | extraFlags;
        f |= noInitExt ? 0 : InitFlags.INIT_EXT;
        f |= passthrough ? InitFlags.PASSTHROUGH : 0;
        f |= passthroughIno ? InitFlags.PASSTHROUGH_INO | InitFlags.PASSTHROUGH : 0;
        f |= writebackCache ? InitFlags.WRITEBACK_CACHE : 0;
        f |= parallelDirops ? InitFlags.PARALLEL_DIROPS : 0;
        f |= directIoAllowMmap ? InitFlags.DIRECT_IO_ALLOW_MMAP : 0;
        f |= readdirplus ? InitFlags.DO_READDIRPLUS : 0;
        return f;
    }

    @Override
    public String toString() {
        return "mount" + (passthrough ? " passthrough max_stack_depth=" + maxStackDepth : "")
                + (passthroughIno ? " passthrough_ino" : "") + (writebackCache ? " writeback_cache" : "")
                + (parallelDirops ? " parallel_dirops" : "") + (directIoAllowMmap ? " direct_io_allow_mmap" : "")
                + (readdirplus ? " readdirplus" : "") + (noInitExt ? " no_init_ext" : "")
                + (minor != 45 ? " minor=" + minor : "");
    }
}
