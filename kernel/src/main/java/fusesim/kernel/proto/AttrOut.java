package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_attr_out} (104 bytes): reply to GETATTR and SETATTR. */
public record AttrOut(long attrValid, int attrValidNsec, FuseAttr attr) {
    public static final int SIZE = 104;

    public void encode(ByteBuffer b) {
        b.putLong(attrValid).putInt(attrValidNsec).putInt(0);
        attr.encode(b);
    }

    public static AttrOut decode(ByteBuffer b) {
        long valid = b.getLong();
        int nsec = b.getInt();
        b.getInt();
        return new AttrOut(valid, nsec, FuseAttr.decode(b));
    }
}
