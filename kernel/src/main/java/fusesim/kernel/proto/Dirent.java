package fusesim.kernel.proto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct fuse_dirent}: ino @0, off @8, namelen @16, type @20, name @24, each record padded to
 * 8 bytes ({@code FUSE_DIRENT_ALIGN}). {@code off} is the cookie of the <em>next</em> entry.
 */
public record Dirent(long ino, long off, int type, String name) {
    public static final int HEADER = 24;

    /** Record size on the wire: {@code FUSE_DIRENT_SIZE(d) = (24 + namelen + 7) & ~7}. */
    public int recordSize() {
        return (HEADER + nameBytes().length + 7) & ~7;
    }

    private byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    public void encode(ByteBuffer b) {
        byte[] n = nameBytes();
        int p = b.position();
        b.putLong(ino).putLong(off).putInt(n.length).putInt(type).put(n);
        b.position(p + recordSize());
    }

    /** Packs as many entries as fit into {@code maxBytes}, as {@code fuse_add_direntry} does. */
    public static byte[] pack(List<Dirent> entries, int maxBytes) {
        int total = 0;
        int count = 0;
        for (Dirent d : entries) {
            if (total + d.recordSize() > maxBytes) {
                break;
            }
            total += d.recordSize();
            count++;
        }
        ByteBuffer b = Wire.allocate(total);
        for (int i = 0; i < count; i++) {
            entries.get(i).encode(b);
        }
        return b.array();
    }

    /** Decodes a READDIR reply body. */
    public static List<Dirent> unpack(ByteBuffer b) {
        List<Dirent> out = new ArrayList<>();
        while (b.remaining() >= HEADER) {
            int p = b.position();
            long ino = b.getLong();
            long off = b.getLong();
            int len = b.getInt();
            int type = b.getInt();
            byte[] n = new byte[len];
            b.get(n);
            Dirent d = new Dirent(ino, off, type, new String(n, StandardCharsets.UTF_8));
            out.add(d);
            b.position(p + d.recordSize());
        }
        return out;
    }
}
