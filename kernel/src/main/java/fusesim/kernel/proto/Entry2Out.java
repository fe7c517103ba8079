package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_entry2_out} (312 bytes) from the FUSE_PASSTHROUGH_INO series (patch 12, seen in
 * the libfuse draft): the first 40 bytes as fuse_entry_out, then backing_id i32 @40, flags u32 @44,
 * reserved u64 @48 and fuse_statx @56. Used for entry replies when PASSTHROUGH_INO is negotiated.
 */
public record Entry2Out(long nodeid, long generation, long entryValid, long attrValid,
                        int entryValidNsec, int attrValidNsec, int backingId, int flags,
                        FuseStatx statx) {
    public static final int SIZE = 312;

    public void encode(ByteBuffer b) {
        b.putLong(nodeid).putLong(generation).putLong(entryValid).putLong(attrValid)
                .putInt(entryValidNsec).putInt(attrValidNsec).putInt(backingId).putInt(flags)
                .putLong(0);
        statx.encode(b);
    }

    public static Entry2Out decode(ByteBuffer b) {
        long nodeid = b.getLong();
        long gen = b.getLong();
        long ev = b.getLong();
        long av = b.getLong();
        int evn = b.getInt();
        int avn = b.getInt();
        int backing = b.getInt();
        int flags = b.getInt();
        b.getLong(); // reserved
        return new Entry2Out(nodeid, gen, ev, av, evn, avn, backing, flags, FuseStatx.decode(b));
    }

    /** The entry2 form of a classic entry reply plus a backing id. */
    public static Entry2Out of(EntryOut e, int backingId) {
        return new Entry2Out(e.nodeid(), e.generation(), e.entryValid(), e.attrValid(),
                e.entryValidNsec(), e.attrValidNsec(), backingId, 0, FuseStatx.of(e.attr()));
    }
}
