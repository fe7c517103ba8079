package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_rename_in} (8 bytes), followed by old and new names. */
public record RenameIn(long newdir) {
    public static final int SIZE = 8;

    public static RenameIn decode(ByteBuffer b) {
        return new RenameIn(b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(newdir);
    }
}
