package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_lseek_in} (24 bytes): fh, offset, whence, padding. Reply: fuse_lseek_out. */
public record LseekIn(long fh, long offset, int whence) {
    public static final int SIZE = 24;

    public static LseekIn decode(ByteBuffer b) {
        LseekIn r = new LseekIn(b.getLong(), b.getLong(), b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putLong(offset).putInt(whence).putInt(0);
    }
}
