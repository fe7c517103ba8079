package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_write_in} (40 bytes), followed by the data. */
public record WriteIn(long fh, long offset, int size, int writeFlags, long lockOwner, int flags) {
    public static final int SIZE = 40;

    public static WriteIn decode(ByteBuffer b) {
        WriteIn r = new WriteIn(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getLong(), b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putLong(offset).putInt(size).putInt(writeFlags).putLong(lockOwner).putInt(flags).putInt(0);
    }
}
