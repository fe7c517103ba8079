package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_open_out} (16 bytes): fh, FOPEN_* flags, backing_id (i32 @12, 7.40+). */
public record OpenOut(long fh, int openFlags, int backingId) {
    public static final int SIZE = 16;

    public void encode(ByteBuffer b) {
        b.putLong(fh).putInt(openFlags).putInt(backingId);
    }

    public static OpenOut decode(ByteBuffer b) {
        return new OpenOut(b.getLong(), b.getInt(), b.getInt());
    }
}
