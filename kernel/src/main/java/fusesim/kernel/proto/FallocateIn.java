package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_fallocate_in} (32 bytes). */
public record FallocateIn(long fh, long offset, long length, int mode) {
    public static final int SIZE = 32;

    public static FallocateIn decode(ByteBuffer b) {
        FallocateIn r = new FallocateIn(b.getLong(), b.getLong(), b.getLong(), b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putLong(offset).putLong(length).putInt(mode).putInt(0);
    }
}
