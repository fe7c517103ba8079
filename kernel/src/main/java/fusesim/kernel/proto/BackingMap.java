package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_backing_map} (16 bytes): argument of FUSE_DEV_IOC_BACKING_OPEN. In mainline the last field is padding and must be 0; the series renames it ops_mask. */
public record BackingMap(int fd, int flags, long padding) {
    public static final int SIZE = 16;

    public static BackingMap decode(ByteBuffer b) {
        return new BackingMap(b.getInt(), b.getInt(), b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putInt(fd).putInt(flags).putLong(padding);
    }
}
