package fusesim.kernel.proto;

/** /dev/fuse ioctl numbers on x86_64 ({@code _IOC(dir,229,nr,size)}), fs/fuse/dev.c. */
public final class FuseIoctl {
    private FuseIoctl() {}

    /** FUSE_DEV_IOC_CLONE = _IOR(229, 0, uint32_t). */
    public static final int CLONE = 0x8004E500;
    /** FUSE_DEV_IOC_BACKING_OPEN = _IOW(229, 1, struct fuse_backing_map); returns the id. */
    public static final int BACKING_OPEN = 0x4010E501;
    /** FUSE_DEV_IOC_BACKING_CLOSE = _IOW(229, 2, uint32_t). */
    public static final int BACKING_CLOSE = 0x4004E502;
    /** FUSE_DEV_IOC_SYNC_INIT = _IO(229, 3). */
    public static final int SYNC_INIT = 0xE503;

    /** Recomputes an ioctl number the way include/uapi/asm-generic/ioctl.h does. */
    public static int ioc(int dir, int type, int nr, int size) {
        return dir << 30 | size << 16 | type << 8 | nr;
    }
}
