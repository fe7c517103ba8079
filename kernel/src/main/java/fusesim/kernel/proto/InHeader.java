package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_in_header} (40 bytes): the header of every request read from /dev/fuse. */
public record InHeader(int len, int opcode, long unique, long nodeid, int uid, int gid, int pid,
                       int totalExtlen) {
    public static final int SIZE = 40;

    /** Decodes from the buffer's current position and advances past the header. */
    public static InHeader decode(ByteBuffer b) {
        InHeader h = new InHeader(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getInt(),
                b.getInt(), b.getInt(), Short.toUnsignedInt(b.getShort()));
        b.getShort(); // padding
        return h;
    }

    /** Encodes into the buffer at its position (used by tests to build recorded requests). */
    public void encode(ByteBuffer b) {
        b.putInt(len).putInt(opcode).putLong(unique).putLong(nodeid).putInt(uid).putInt(gid).putInt(pid)
                .putShort((short) totalExtlen).putShort((short) 0);
    }
}
