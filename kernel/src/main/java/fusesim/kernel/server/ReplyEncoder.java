package fusesim.kernel.server;

import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.Entry2Out;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.FuseAttr;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WriteOut;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Builds reply messages (fuse_out_header + payload, one write each) and applies {@link Answer.Patch}
 * fields to a default answer. With FUSE_PASSTHROUGH_INO negotiated, entry replies are fuse_entry2_out
 * (312 bytes; CREATE: entry2 + open_out = 328), as the series' libfuse v2 {@code fill_entry2()} sends.
 */
final class ReplyEncoder {
    private ReplyEncoder() {}

    /** The full message for a concrete reply to request {@code unique}. */
    static byte[] encode(long unique, Answer reply, boolean entry2) {
        if (reply instanceof Answer.Error e) {
            return message(unique, -e.errno(), new byte[0]);
        }
        if (reply instanceof Answer.Raw raw) {
            return message(unique, raw.error(), raw.payload());
        }
        return message(unique, 0, payload(reply, entry2));
    }

    private static byte[] payload(Answer reply, boolean entry2) {
        if (reply instanceof Answer.Ok) {
            return new byte[0];
        } else if (reply instanceof Answer.Data d) {
            return d.data();
        } else if (reply instanceof Answer.Entry e) {
            return entry(e.entry(), e.backingId(), entry2, null);
        } else if (reply instanceof Answer.Create c) {
            return entry(c.entry(), c.backingId(), entry2, c.open());
        } else if (reply instanceof Answer.Attr a) {
            ByteBuffer b = Wire.allocate(AttrOut.SIZE);
            a.attr().encode(b);
            return b.array();
        } else if (reply instanceof Answer.Open o) {
            ByteBuffer b = Wire.allocate(OpenOut.SIZE);
            o.open().encode(b);
            return b.array();
        } else if (reply instanceof Answer.Write w) {
            ByteBuffer b = Wire.allocate(WriteOut.SIZE);
            new WriteOut(w.size()).encode(b);
            return b.array();
        }
        throw new IllegalArgumentException("not a concrete reply: " + reply);
    }

    private static byte[] entry(EntryOut e, int backingId, boolean entry2, OpenOut open) {
        int size = (entry2 ? Entry2Out.SIZE : EntryOut.SIZE) + (open == null ? 0 : OpenOut.SIZE);
        ByteBuffer b = Wire.allocate(size);
        if (entry2) {
            Entry2Out.of(e, backingId).encode(b);
        } else {
            e.encode(b);
        }
        if (open != null) {
            open.encode(b);
        }
        return b.array();
    }

    static byte[] message(long unique, int error, byte[] payload) {
        ByteBuffer b = Wire.allocate(OutHeader.SIZE + payload.length);
        new OutHeader(OutHeader.SIZE + payload.length, error, unique).encode(b);
        b.put(payload);
        return b.array();
    }

    /**
     * Applies patch fields to a default answer. If the default failed (say ENOENT for a LOOKUP the policy
     * wants to succeed), {@code fallback} supplies the base.
     */
    static Answer patch(Answer base, Answer fallback, Map<String, Long> f) {
        Answer b = base instanceof Answer.Error || base instanceof Answer.Ok ? fallback : base;
        if (b instanceof Answer.Entry e) {
            return new Answer.Entry(entry(e.entry(), f), (int) get(f, "backing", e.backingId()));
        } else if (b instanceof Answer.Create c) {
            return new Answer.Create(entry(c.entry(), f), open(c.open(), f), (int) get(f, "backing", c.backingId()));
        } else if (b instanceof Answer.Attr a) {
            AttrOut o = a.attr();
            return new Answer.Attr(new AttrOut(get(f, "attr_valid", o.attrValid()),
                    (int) get(f, "attr_valid_nsec", o.attrValidNsec()), attr(o.attr(), f)));
        } else if (b instanceof Answer.Open o) {
            return new Answer.Open(open(o.open(), f));
        } else if (b instanceof Answer.Write w && f.containsKey("size")) {
            return new Answer.Write((int) get(f, "size", w.size()));
        }
        return base;
    }

    private static EntryOut entry(EntryOut e, Map<String, Long> f) {
        long nodeid = get(f, "nodeid", get(f, "ino", e.nodeid()));
        return new EntryOut(nodeid, get(f, "generation", e.generation()), get(f, "entry_valid", e.entryValid()),
                get(f, "attr_valid", e.attrValid()), (int) get(f, "entry_valid_nsec", e.entryValidNsec()),
                (int) get(f, "attr_valid_nsec", e.attrValidNsec()), attr(e.attr(), f));
    }

    private static FuseAttr attr(FuseAttr a, Map<String, Long> f) {
        long ino = get(f, "attr_ino", get(f, "ino", a.ino()));
        return new FuseAttr(ino, get(f, "size", a.size()), a.blocks(), a.atime(), get(f, "mtime", a.mtime()),
                get(f, "ctime", a.ctime()), a.atimensec(), f.containsKey("mtime") ? 0 : a.mtimensec(),
                f.containsKey("ctime") ? 0 : a.ctimensec(), (int) get(f, "mode", a.mode()),
                (int) get(f, "nlink", a.nlink()), (int) get(f, "uid", a.uid()), (int) get(f, "gid", a.gid()),
                a.rdev(), a.blksize(), a.flags());
    }

    private static OpenOut open(OpenOut o, Map<String, Long> f) {
        return new OpenOut(get(f, "fh", o.fh()), (int) get(f, "open_flags", o.openFlags()),
                (int) get(f, "backing", o.backingId()));
    }

    private static long get(Map<String, Long> f, String key, long dflt) {
        Long v = f.get(key);
        return v == null ? dflt : v;
    }
}
