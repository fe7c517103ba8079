package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_statx_in} (24 bytes): getattr_flags, reserved, fh, sx_flags, sx_mask. */
public record StatxIn(int getattrFlags, long fh, int sxFlags, int sxMask) {
    public static final int SIZE = 24;

    public static StatxIn decode(ByteBuffer b) {
        int flags = b.getInt();
        b.getInt();
        return new StatxIn(flags, b.getLong(), b.getInt(), b.getInt());
    }

    public void encode(ByteBuffer b) {
        b.putInt(getattrFlags).putInt(0).putLong(fh).putInt(sxFlags).putInt(sxMask);
    }
}
