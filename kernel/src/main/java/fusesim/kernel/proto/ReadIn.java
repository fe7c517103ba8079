package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_read_in} (40 bytes): body of READ, READDIR, READDIRPLUS. */
public record ReadIn(long fh, long offset, int size, int readFlags, long lockOwner, int flags) {
    public static final int SIZE = 40;

    public static ReadIn decode(ByteBuffer b) {
        ReadIn r = new ReadIn(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getLong(), b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putLong(offset).putInt(size).putInt(readFlags).putLong(lockOwner).putInt(flags).putInt(0);
    }
}
