package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_access_in} (8 bytes). */
public record AccessIn(int mask) {
    public static final int SIZE = 8;

    public static AccessIn decode(ByteBuffer b) {
        AccessIn r = new AccessIn(b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putInt(mask).putInt(0);
    }
}
