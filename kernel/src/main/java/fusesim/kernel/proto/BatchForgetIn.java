package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_batch_forget_in} (8 bytes), followed by count fuse_forget_one. */
public record BatchForgetIn(int count) {
    public static final int SIZE = 8;

    public static BatchForgetIn decode(ByteBuffer b) {
        BatchForgetIn r = new BatchForgetIn(b.getInt());
        b.getInt();
        return r;
    }

    public void encode(ByteBuffer b) {
        b.putInt(count).putInt(0);
    }
}
