package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_attr} (88 bytes), filled by the server from the lower file's stat. */
public record FuseAttr(long ino, long size, long blocks, long atime, long mtime, long ctime,
                       int atimensec, int mtimensec, int ctimensec, int mode, int nlink, int uid,
                       int gid, int rdev, int blksize, int flags) {
    public static final int SIZE = 88;

    public void encode(ByteBuffer b) {
        b.putLong(ino).putLong(size).putLong(blocks).putLong(atime).putLong(mtime).putLong(ctime)
                .putInt(atimensec).putInt(mtimensec).putInt(ctimensec).putInt(mode).putInt(nlink)
                .putInt(uid).putInt(gid).putInt(rdev).putInt(blksize).putInt(flags);
    }

    public static FuseAttr decode(ByteBuffer b) {
        return new FuseAttr(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(),
                b.getInt(), b.getInt(), b.getInt(), b.getInt());
    }

    public FuseAttr withIno(long newIno) {
        return new FuseAttr(newIno, size, blocks, atime, mtime, ctime, atimensec, mtimensec,
                ctimensec, mode, nlink, uid, gid, rdev, blksize, flags);
    }

    public FuseAttr withMode(int newMode) {
        return new FuseAttr(ino, size, blocks, atime, mtime, ctime, atimensec, mtimensec,
                ctimensec, newMode, nlink, uid, gid, rdev, blksize, flags);
    }

    public FuseAttr withSize(long newSize) {
        return new FuseAttr(ino, newSize, blocks, atime, mtime, ctime, atimensec, mtimensec,
                ctimensec, mode, nlink, uid, gid, rdev, blksize, flags);
    }
}
