package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_statx} (256 bytes, protocol 7.39): mask @0, blksize @4, attributes @8,
 * nlink @16, uid @20, gid @24, mode u16 @28, ino @32, size @40, blocks @48, attributes_mask @56,
 * atime @64, btime @80, ctime @96, mtime @112 (each fuse_sx_time: sec i64, nsec u32, reserved),
 * rdev_major/minor @128/132, dev_major/minor @136/140, spare to 256.
 */
public record FuseStatx(int mask, int blksize, long attributes, int nlink, int uid, int gid, int mode,
                        long ino, long size, long blocks, long attributesMask, long atime, int atimeNsec,
                        long btime, int btimeNsec, long ctime, int ctimeNsec, long mtime, int mtimeNsec,
                        int rdevMajor, int rdevMinor, int devMajor, int devMinor) {
    public static final int SIZE = 256;

    public void encode(ByteBuffer b) {
        int p = b.position();
        b.putInt(mask).putInt(blksize).putLong(attributes).putInt(nlink).putInt(uid).putInt(gid)
                .putShort((short) mode).putShort((short) 0).putLong(ino).putLong(size).putLong(blocks)
                .putLong(attributesMask);
        putTime(b, atime, atimeNsec);
        putTime(b, btime, btimeNsec);
        putTime(b, ctime, ctimeNsec);
        putTime(b, mtime, mtimeNsec);
        b.putInt(rdevMajor).putInt(rdevMinor).putInt(devMajor).putInt(devMinor);
        b.position(p + SIZE);
    }

    private static void putTime(ByteBuffer b, long sec, int nsec) {
        b.putLong(sec).putInt(nsec).putInt(0);
    }

    public static FuseStatx decode(ByteBuffer b) {
        int p = b.position();
        FuseStatx s = new FuseStatx(b.getInt(p), b.getInt(p + 4), b.getLong(p + 8), b.getInt(p + 16),
                b.getInt(p + 20), b.getInt(p + 24), Short.toUnsignedInt(b.getShort(p + 28)),
                b.getLong(p + 32), b.getLong(p + 40), b.getLong(p + 48), b.getLong(p + 56),
                b.getLong(p + 64), b.getInt(p + 72), b.getLong(p + 80), b.getInt(p + 88),
                b.getLong(p + 96), b.getInt(p + 104), b.getLong(p + 112), b.getInt(p + 120),
                b.getInt(p + 128), b.getInt(p + 132), b.getInt(p + 136), b.getInt(p + 140));
        b.position(p + SIZE);
        return s;
    }

    /** The statx image of a fuse_attr, as the libfuse draft's {@code convert_statx()} fills it (mask 0). */
    public static FuseStatx of(FuseAttr a) {
        return new FuseStatx(0, a.blksize(), 0, a.nlink(), a.uid(), a.gid(), a.mode(), a.ino(), a.size(),
                a.blocks(), 0, a.atime(), a.atimensec(), 0, 0, a.ctime(), a.ctimensec(), a.mtime(),
                a.mtimensec(), 0, 0, 0, 0);
    }
}
