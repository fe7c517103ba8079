package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_out_header} (16 bytes): the header of every reply written to /dev/fuse. */
public record OutHeader(int len, int error, long unique) {
    public static final int SIZE = 16;

    public void encode(ByteBuffer b) {
        b.putInt(len).putInt(error).putLong(unique);
    }

    public static OutHeader decode(ByteBuffer b) {
        return new OutHeader(b.getInt(), b.getInt(), b.getLong());
    }
}
