package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_init_out} (64 bytes, 6.18 layout): flags2 @32, max_stack_depth @36,
 * request_timeout @40. The kernel reads it in {@code process_init_reply()} (fs/fuse/inode.c).
 */
public record InitOut(int major, int minor, int maxReadahead, long flags64, int maxBackground,
                      int congestionThreshold, int maxWrite, int timeGran, int maxPages,
                      int maxStackDepth, int requestTimeout) {
    public static final int SIZE = 64;

    public void encode(ByteBuffer b) {
        int p = b.position();
        b.putInt(major).putInt(minor).putInt(maxReadahead).putInt(InitFlags.low(flags64));
        b.putShort((short) maxBackground).putShort((short) congestionThreshold);
        b.putInt(maxWrite).putInt(timeGran);
        b.putShort((short) maxPages).putShort((short) 0); // map_alignment
        b.putInt(InitFlags.high(flags64)).putInt(maxStackDepth).putShort((short) requestTimeout);
        b.position(p + SIZE);
    }

    public static InitOut decode(ByteBuffer b) {
        return new InitOut(b.getInt(0), b.getInt(4), b.getInt(8),
                InitFlags.combine(b.getInt(12), b.getInt(32)), Short.toUnsignedInt(b.getShort(16)),
                Short.toUnsignedInt(b.getShort(18)), b.getInt(20), b.getInt(24),
                Short.toUnsignedInt(b.getShort(28)), b.getInt(36), Short.toUnsignedInt(b.getShort(40)));
    }
}
