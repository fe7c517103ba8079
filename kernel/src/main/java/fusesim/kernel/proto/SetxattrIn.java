package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_setxattr_in} as the kernel sends it without FUSE_SETXATTR_EXT (which this
 * server never grants): FUSE_COMPAT_SETXATTR_IN_SIZE = 8 bytes, size and flags (XATTR_CREATE,
 * XATTR_REPLACE); then the name and the value. {@code setxattr_flags} exists only with the extension.
 */
public record SetxattrIn(int size, int flags) {
    public static final int SIZE = 8;

    public static SetxattrIn decode(ByteBuffer b) {
        return new SetxattrIn(b.getInt(), b.getInt());
    }

    public void encode(ByteBuffer b) {
        b.putInt(size).putInt(flags);
    }
}
