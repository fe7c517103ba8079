package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_mkdir_in} (8 bytes), followed by the name. */
public record MkdirIn(int mode, int umask) {
    public static final int SIZE = 8;

    public static MkdirIn decode(ByteBuffer b) {
        return new MkdirIn(b.getInt(), b.getInt());
    }

    public void encode(ByteBuffer b) {
        b.putInt(mode).putInt(umask);
    }
}
