package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_init_in} (64 bytes): what the kernel offers in FUSE_INIT. */
public record InitIn(int major, int minor, int maxReadahead, long flags64) {
    public static final int SIZE = 64;

    /** Decodes; {@code flags2} at offset 16 is merged in only if INIT_EXT is offered. */
    public static InitIn decode(ByteBuffer b) {
        int major = b.getInt(0);
        int minor = b.getInt(4);
        int ra = b.getInt(8);
        int flags = b.getInt(12);
        int flags2 = (flags & InitFlags.INIT_EXT) != 0 && b.limit() >= 20 ? b.getInt(16) : 0;
        return new InitIn(major, minor, ra, InitFlags.combine(flags, flags2));
    }

    public void encode(ByteBuffer b) {
        int p = b.position();
        b.putInt(major).putInt(minor).putInt(maxReadahead).putInt(InitFlags.low(flags64))
                .putInt(InitFlags.high(flags64));
        b.position(p + SIZE);
    }

    public boolean offers(long flag) {
        return (flags64 & flag) == flag;
    }
}
