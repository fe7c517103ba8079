package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_fsync_in} (16 bytes): body of FSYNC and FSYNCDIR. */
public record FsyncIn(long fh, int fsyncFlags) {
    public static final int SIZE = 16;

    public static FsyncIn decode(ByteBuffer b) {
        FsyncIn r = new FsyncIn(b.getLong(), b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putInt(fsyncFlags).putInt(0);
    }
}
