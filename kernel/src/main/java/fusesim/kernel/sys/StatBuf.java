package fusesim.kernel.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** x86_64 {@code struct stat} (144 bytes) as filled by stat(2), lstat(2), fstat(2). */
public record StatBuf(long dev, long ino, long nlink, int mode, int uid, int gid, long rdev, long size,
                      long blksize, long blocks, long atime, long atimeNsec, long mtime, long mtimeNsec,
                      long ctime, long ctimeNsec) {
    public static final int SIZE = 144;
    public static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000;

    public static StatBuf decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new StatBuf(b.getLong(0), b.getLong(8), b.getLong(16), b.getInt(24), b.getInt(28),
                b.getInt(32), b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64), b.getLong(72),
                b.getLong(80), b.getLong(88), b.getLong(96), b.getLong(104), b.getLong(112));
    }

    public boolean isDir() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** lstat(2) of a path, or {@code null} with the errno in {@code err[0]}. */
    public static StatBuf lstat(String path, int[] err) {
        byte[] raw = new byte[SIZE];
        if (Libc.lstat(path, raw) != 0) {
            err[0] = Libc.errno();
            return null;
        }
        return decode(raw);
    }
}
