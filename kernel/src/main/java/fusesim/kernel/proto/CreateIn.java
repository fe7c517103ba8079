package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_create_in} (16 bytes), followed by the name. */
public record CreateIn(int flags, int mode, int umask, int openFlags) {
    public static final int SIZE = 16;

    public static CreateIn decode(ByteBuffer b) {
        return new CreateIn(b.getInt(), b.getInt(), b.getInt(), b.getInt());
    }

    public void encode(ByteBuffer b) {
        b.putInt(flags).putInt(mode).putInt(umask).putInt(openFlags);
    }
}
