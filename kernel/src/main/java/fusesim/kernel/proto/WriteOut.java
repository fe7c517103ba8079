package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_write_out} (8 bytes): bytes written. */
public record WriteOut(int size) {
    public static final int SIZE = 8;

    public static WriteOut decode(ByteBuffer b) {
        WriteOut r = new WriteOut(b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putInt(size).putInt(0);
    }
}
