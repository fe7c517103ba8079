package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_setattr_in} (88 bytes); {@code valid} holds FATTR_* bits. Reply: fuse_attr_out. */
public record SetattrIn(int valid, long fh, long size, long lockOwner, long atime, long mtime, long ctime,
                        int atimensec, int mtimensec, int ctimensec, int mode, int uid, int gid) {
    public static final int SIZE = 88;
    public static final int FATTR_MODE = 1 << 0;
    public static final int FATTR_UID = 1 << 1;
    public static final int FATTR_GID = 1 << 2;
    public static final int FATTR_SIZE = 1 << 3;
    public static final int FATTR_ATIME = 1 << 4;
    public static final int FATTR_MTIME = 1 << 5;
    public static final int FATTR_FH = 1 << 6;
    public static final int FATTR_ATIME_NOW = 1 << 7;
    public static final int FATTR_MTIME_NOW = 1 << 8;
    public static final int FATTR_CTIME = 1 << 10;

    public static SetattrIn decode(ByteBuffer b) {
        int p = b.position();
        SetattrIn s = new SetattrIn(b.getInt(p), b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 24),
                b.getLong(p + 32), b.getLong(p + 40), b.getLong(p + 48), b.getInt(p + 56), b.getInt(p + 60),
                b.getInt(p + 64), b.getInt(p + 68), b.getInt(p + 76), b.getInt(p + 80));
        b.position(p + SIZE);
        return s;
    }

    public void encode(ByteBuffer b) {
        int p = b.position();
        b.putInt(p, valid).putLong(p + 8, fh).putLong(p + 16, size).putLong(p + 24, lockOwner)
                .putLong(p + 32, atime).putLong(p + 40, mtime).putLong(p + 48, ctime)
                .putInt(p + 56, atimensec).putInt(p + 60, mtimensec).putInt(p + 64, ctimensec)
                .putInt(p + 68, mode).putInt(p + 76, uid).putInt(p + 80, gid);
        b.position(p + SIZE);
    }

    public boolean has(int fattr) {
        return (valid & fattr) != 0;
    }
}
