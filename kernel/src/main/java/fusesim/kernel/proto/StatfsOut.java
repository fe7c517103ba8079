package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_statfs_out} = {@code fuse_kstatfs} (80 bytes): reply to STATFS. */
public record StatfsOut(long blocks, long bfree, long bavail, long files, long ffree, int bsize, int namelen, int frsize) {
    public static final int SIZE = 80;

    public static StatfsOut decode(ByteBuffer b) {
        StatfsOut s = new StatfsOut(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt());
        b.position(b.position() + 28);
        return s;
    }

    public void encode(ByteBuffer b) {
        b.putLong(blocks).putLong(bfree).putLong(bavail).putLong(files).putLong(ffree).putInt(bsize).putInt(namelen).putInt(frsize);
        b.position(b.position() + 28); // padding, spare[6]
    }
}
