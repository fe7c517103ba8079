package fusesim.kernel.server;

import fusesim.kernel.proto.AccessIn;
import fusesim.kernel.proto.BatchForgetIn;
import fusesim.kernel.proto.CreateIn;
import fusesim.kernel.proto.FallocateIn;
import fusesim.kernel.proto.FlushIn;
import fusesim.kernel.proto.ForgetIn;
import fusesim.kernel.proto.ForgetOne;
import fusesim.kernel.proto.FsyncIn;
import fusesim.kernel.proto.GetattrIn;
import fusesim.kernel.proto.GetxattrIn;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.InitIn;
import fusesim.kernel.proto.LinkIn;
import fusesim.kernel.proto.LseekIn;
import fusesim.kernel.proto.MkdirIn;
import fusesim.kernel.proto.MknodIn;
import fusesim.kernel.proto.OpenIn;
import fusesim.kernel.proto.ReadIn;
import fusesim.kernel.proto.ReleaseIn;
import fusesim.kernel.proto.Rename2In;
import fusesim.kernel.proto.RenameIn;
import fusesim.kernel.proto.SetattrIn;
import fusesim.kernel.proto.SetxattrIn;
import fusesim.kernel.proto.StatxIn;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.proto.WriteIn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one message read from /dev/fuse into a {@link Request}: the header, the opcode's body struct,
 * names, and the trace path resolved through the server's node table (the way fuse_lowlevel.c's
 * {@code do_*} functions unpack {@code in_args}).
 */
final class RequestDecoder {
    private final LowerTree tree;

    RequestDecoder(LowerTree tree) {
        this.tree = tree;
    }

    /** A message that is not a well-formed request: too short for its header or its opcode's struct. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The request's unique when its header could be read (0 otherwise): the kernel waits for a reply. */
        final long unique;
        final WireOpcode op;

        Malformed(long unique, WireOpcode op, String message) {
            super(message);
            this.unique = unique;
            this.op = op;
        }
    }

    /**
     * Decodes one message of {@code len} bytes.
     *
     * @throws Malformed when it is shorter than its header, its header's length disagrees with
     *     what was read, or its opcode's struct or names do not fit in it
     */
    Request decode(byte[] msg, int len) {
        if (len < InHeader.SIZE || len > msg.length) {
            throw new Malformed(0, null, "a message of " + len + " bytes, shorter than fuse_in_header ("
                    + InHeader.SIZE + ")");
        }
        ByteBuffer b = Wire.wrap(msg, 0, len);
        InHeader h = InHeader.decode(b);
        WireOpcode op = WireOpcode.of(h.opcode());
        if (Integer.toUnsignedLong(h.len()) != len) {
            throw new Malformed(h.unique(), op, op + ": fuse_in_header.len " + Integer.toUnsignedLong(h.len())
                    + " but " + len + " bytes were read");
        }
        int need = structSize(op);
        if (b.remaining() < need) {
            throw new Malformed(h.unique(), op, op + ": " + b.remaining() + " bytes after the header, its struct has "
                    + need);
        }
        try {
            return body(h, op, b);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            // relative reads past the end underflow, absolute ones (SetattrIn, InitIn) are out of bounds
            throw new Malformed(h.unique(), op, op + ": a message of " + len + " bytes ends inside its struct");
        }
    }

    /** The size of the fixed struct that follows the header for {@code op} (0: none, or names only). */
    static int structSize(WireOpcode op) {
        return switch (op) {
            case CREATE -> CreateIn.SIZE;
            case MKDIR -> MkdirIn.SIZE;
            case MKNOD -> MknodIn.SIZE;
            case LINK -> LinkIn.SIZE;
            case RENAME -> 8; // newdir
            case RENAME2 -> 16; // newdir, flags, padding
            case FORGET -> ForgetIn.SIZE;
            case BATCH_FORGET -> BatchForgetIn.SIZE;
            case INIT -> InitIn.SIZE;
            case GETATTR -> GetattrIn.SIZE;
            case SETATTR -> SetattrIn.SIZE;
            case OPEN, OPENDIR -> OpenIn.SIZE;
            case READ, READDIR, READDIRPLUS -> ReadIn.SIZE;
            case WRITE -> WriteIn.SIZE;
            case RELEASE, RELEASEDIR -> ReleaseIn.SIZE;
            case FLUSH -> FlushIn.SIZE;
            case ACCESS -> AccessIn.SIZE;
            case FSYNC, FSYNCDIR -> FsyncIn.SIZE;
            case FALLOCATE -> FallocateIn.SIZE;
            default -> 0;
        };
    }

    private Request body(InHeader h, WireOpcode op, ByteBuffer b) {
        String self = tree.pathOf(h.nodeid());
        return switch (op) {
            case LOOKUP, UNLINK, RMDIR -> named(h, op, self, Wire.cstring(b), null);
            case CREATE -> body(h, op, self, CreateIn.decode(b), b);
            case MKDIR -> body(h, op, self, MkdirIn.decode(b), b);
            case MKNOD -> body(h, op, self, MknodIn.decode(b), b);
            case SYMLINK -> { String n = Wire.cstring(b); yield named(h, op, self, n, Wire.cstring(b)); }
            case LINK -> link(h, LinkIn.decode(b), b, self);
            case RENAME -> { long nd = b.getLong(); yield rename(h, op, nd, new RenameIn(nd), b, self); }
            case RENAME2 -> {
                long nd = b.getLong();
                int flags = b.getInt();
                b.getInt();
                yield rename(h, op, nd, new Rename2In(nd, flags), b, self);
            }
            case GETXATTR -> xattr(h, op, self, GetxattrIn.decode(b), b);
            case SETXATTR -> xattr(h, op, self, SetxattrIn.decode(b), b);
            case REMOVEXATTR -> xattr(h, op, self, null, b);
            case FORGET -> forgets(h, List.of(new ForgetOne(h.nodeid(), ForgetIn.decode(b).nlookup())));
            case BATCH_FORGET -> batch(h, b);
            default -> simple(h, op, self, b);
        };
    }

    private Request simple(InHeader h, WireOpcode op, String self, ByteBuffer b) {
        Object body = switch (op) {
            case INIT -> InitIn.decode(b.slice().order(b.order()));
            case GETATTR -> GetattrIn.decode(b);
            case SETATTR -> SetattrIn.decode(b);
            case OPEN, OPENDIR -> OpenIn.decode(b);
            case READ, READDIR, READDIRPLUS -> ReadIn.decode(b);
            case WRITE -> WriteIn.decode(b);
            case RELEASE, RELEASEDIR -> ReleaseIn.decode(b);
            case FLUSH -> FlushIn.decode(b);
            case ACCESS -> AccessIn.decode(b);
            case FSYNC, FSYNCDIR -> FsyncIn.decode(b);
            case FALLOCATE -> FallocateIn.decode(b);
            case LSEEK -> LseekIn.decode(b);
            case LISTXATTR -> GetxattrIn.decode(b);
            case STATX -> StatxIn.decode(b);
            default -> null;
        };
        byte[] data = null;
        if (body instanceof WriteIn w) {
            if (w.size() < 0 || w.size() > b.remaining()) {
                throw new Malformed(h.unique(), op, "WRITE of " + Integer.toUnsignedLong(w.size()) + " bytes with "
                        + b.remaining() + " bytes of data in the message");
            }
            data = new byte[w.size()];
            b.get(data);
        }
        return new Request(h, op, null, null, self, body, data, List.of());
    }

    private Request named(InHeader h, WireOpcode op, String parent, String name, String name2) {
        return new Request(h, op, name, name2, parent == null ? null : LowerTree.child(parent, name), null,
                null, List.of());
    }

    private Request body(InHeader h, WireOpcode op, String parent, Object body, ByteBuffer b) {
        String name = Wire.cstring(b);
        return new Request(h, op, name, null, parent == null ? null : LowerTree.child(parent, name), body,
                null, List.of());
    }

    /** GETXATTR, SETXATTR, REMOVEXATTR: the xattr name follows the struct; the path is the inode's own. */
    private Request xattr(InHeader h, WireOpcode op, String self, Object body, ByteBuffer b) {
        return new Request(h, op, Wire.cstring(b), null, self, body, null, List.of());
    }

    private Request link(InHeader h, LinkIn in, ByteBuffer b, String parent) {
        String name = Wire.cstring(b);
        return new Request(h, WireOpcode.LINK, name, tree.pathOf(in.oldNodeid()),
                parent == null ? null : LowerTree.child(parent, name), in, null, List.of());
    }

    private Request rename(InHeader h, WireOpcode op, long newdir, Object body, ByteBuffer b, String parent) {
        String from = Wire.cstring(b);
        String to = Wire.cstring(b);
        String toDir = tree.pathOf(newdir);
        return new Request(h, op, from, toDir == null ? null : LowerTree.child(toDir, to),
                parent == null ? null : LowerTree.child(parent, from), body, null, List.of());
    }

    private Request batch(InHeader h, ByteBuffer b) {
        int count = BatchForgetIn.decode(b).count();
        List<ForgetOne> list = new ArrayList<>();
        for (int i = 0; i < count && b.remaining() >= ForgetOne.SIZE; i++) {
            list.add(ForgetOne.decode(b));
        }
        return forgets(h, list);
    }

    private static Request forgets(InHeader h, List<ForgetOne> list) {
        return new Request(h, WireOpcode.of(h.opcode()), null, null, null, null, null, List.copyOf(list));
    }
}
