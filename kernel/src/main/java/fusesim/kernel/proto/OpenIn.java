package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_open_in} (8 bytes): body of OPEN and OPENDIR. */
public record OpenIn(int flags, int openFlags) {
    public static final int SIZE = 8;

    public static OpenIn decode(ByteBuffer b) {
        return new OpenIn(b.getInt(), b.getInt());
    }

    public void encode(ByteBuffer b) {
        b.putInt(flags).putInt(openFlags);
    }
}
