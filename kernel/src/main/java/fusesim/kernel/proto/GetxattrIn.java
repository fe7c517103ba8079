package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_getxattr_in} (8 bytes): size, padding; body of GETXATTR (then the name) and
 * LISTXATTR. Size 0 asks for the value's length (reply fuse_getxattr_out), else the value itself.
 */
public record GetxattrIn(int size) {
    public static final int SIZE = 8;

    public static GetxattrIn decode(ByteBuffer b) {
        GetxattrIn r = new GetxattrIn(b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putInt(size).putInt(0);
    }
}
