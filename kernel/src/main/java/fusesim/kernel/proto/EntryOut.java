package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_entry_out} (128 bytes): reply to LOOKUP, MKNOD, MKDIR, SYMLINK, LINK. */
public record EntryOut(long nodeid, long generation, long entryValid, long attrValid,
                       int entryValidNsec, int attrValidNsec, FuseAttr attr) {
    public static final int SIZE = 128;

    public void encode(ByteBuffer b) {
        b.putLong(nodeid).putLong(generation).putLong(entryValid).putLong(attrValid)
                .putInt(entryValidNsec).putInt(attrValidNsec);
        attr.encode(b);
    }

    public static EntryOut decode(ByteBuffer b) {
        return new EntryOut(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getInt(),
                b.getInt(), FuseAttr.decode(b));
    }
}
