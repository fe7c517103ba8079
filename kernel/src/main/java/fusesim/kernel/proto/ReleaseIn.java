package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_release_in} (24 bytes): body of RELEASE and RELEASEDIR. */
public record ReleaseIn(long fh, int flags, int releaseFlags, long lockOwner) {
    public static final int SIZE = 24;

    public static ReleaseIn decode(ByteBuffer b) {
        return new ReleaseIn(b.getLong(), b.getInt(), b.getInt(), b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(fh).putInt(flags).putInt(releaseFlags).putLong(lockOwner);
    }
}
