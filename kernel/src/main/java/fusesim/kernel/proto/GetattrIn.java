package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_getattr_in} (16 bytes); getattr_flags bit 0 = FUSE_GETATTR_FH. */
public record GetattrIn(int getattrFlags, long fh) {
    public static final int SIZE = 16;

    public static GetattrIn decode(ByteBuffer b) {
        int f = b.getInt();
        b.getInt();
        return new GetattrIn(f, b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putInt(getattrFlags).putInt(0).putLong(fh);
    }
}
