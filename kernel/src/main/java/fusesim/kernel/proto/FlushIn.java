package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_flush_in} (24 bytes). */
public record FlushIn(long fh, long lockOwner) {
    public static final int SIZE = 24;

    public static FlushIn decode(ByteBuffer b) {
        long fh = b.getLong();
        b.getLong(); // unused, padding
        return new FlushIn(fh, b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putLong(0).putLong(lockOwner);
    }
}
