package fusesim.kernel.server;

import fusesim.kernel.proto.ForgetOne;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.WireOpcode;
import java.util.List;

/**
 * One decoded request from /dev/fuse. {@code name} is the entry name for LOOKUP, CREATE, MKDIR, MKNOD,
 * UNLINK, RMDIR, SYMLINK, LINK and RENAME (old name); {@code name2} the second name (RENAME new name,
 * SYMLINK target). {@code path} is the trace path ("/a") the request is about, when the server knows it.
 * {@code body} is the decoded struct ({@code ReadIn}, {@code OpenIn}...), {@code data} the WRITE payload,
 * {@code forgets} the (nodeid, nlookup) pairs of FORGET / BATCH_FORGET.
 */
public record Request(InHeader header, WireOpcode op, String name, String name2, String path, Object body,
                      byte[] data, List<ForgetOne> forgets) {

    public long unique() {
        return header.unique();
    }

    public long nodeid() {
        return header.nodeid();
    }

    /** The in-header pid: the tid of the thread that caused the request (0 for nocreds requests). */
    public int pid() {
        return header.pid();
    }

    /**
     * The in-arg traces print after the name, as the model's {@code Request.observable()} does: MKNOD's
     * mode in octal ({@code fuse_mknod_in.mode}), SYMLINK's target in quotes, LINK's old nodeid
     * ({@code fuse_link_in.oldnodeid}); null for other opcodes.
     */
    public String inArg() {
        return switch (op) {
            case MKNOD -> "0" + Integer.toOctalString(((fusesim.kernel.proto.MknodIn) body).mode());
            case SYMLINK -> "\"" + name2 + "\"";
            case LINK -> Long.toString(((fusesim.kernel.proto.LinkIn) body).oldNodeid());
            default -> null;
        };
    }

    /**
     * The stateable in-struct fields decoded from the wire, by the kernel's names (the catalog is
     * {@link fusesim.model.fuse.RequestFields}; the same names the model's requests and the traces use).
     * Fields that hang on a flag (SETATTR's size under FATTR_SIZE ...) are dropped when rendering.
     */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        if (fusesim.model.fuse.RequestFields.namesXattr(modelOpcode()) && name != null) {
            f.put("name", name);
        }
        if (body instanceof fusesim.kernel.proto.OpenIn o) {
            f.put("flags", u32(o.flags()));
            f.put("open_flags", u32(o.openFlags()));
        } else if (body instanceof fusesim.kernel.proto.CreateIn c) {
            f.put("flags", u32(c.flags()));
            f.put("mode", u32(c.mode()));
            f.put("umask", u32(c.umask()));
            f.put("open_flags", u32(c.openFlags()));
        } else if (body instanceof fusesim.kernel.proto.MknodIn m) {
            f.put("rdev", u32(m.rdev()));
            f.put("umask", u32(m.umask()));
        } else if (body instanceof fusesim.kernel.proto.MkdirIn m) {
            f.put("mode", u32(m.mode()));
            f.put("umask", u32(m.umask()));
        } else if (body instanceof fusesim.kernel.proto.ReadIn r) {
            f.put("fh", r.fh());
            f.put("offset", r.offset());
            f.put("size", u32(r.size()));
            f.put("read_flags", u32(r.readFlags()));
            f.put("flags", u32(r.flags()));
        } else if (body instanceof fusesim.kernel.proto.WriteIn w) {
            f.put("fh", w.fh());
            f.put("offset", w.offset());
            f.put("size", u32(w.size()));
            f.put("write_flags", u32(w.writeFlags()));
            f.put("flags", u32(w.flags()));
        } else if (body instanceof fusesim.kernel.proto.ReleaseIn r) {
            f.put("fh", r.fh());
            f.put("flags", u32(r.flags()));
            f.put("release_flags", u32(r.releaseFlags()));
        } else if (body instanceof fusesim.kernel.proto.FlushIn fl) {
            f.put("fh", fl.fh());
        } else if (body instanceof fusesim.kernel.proto.FsyncIn fs) {
            f.put("fh", fs.fh());
            f.put("fsync_flags", u32(fs.fsyncFlags()));
        } else if (body instanceof fusesim.kernel.proto.GetattrIn g) {
            f.put("getattr_flags", u32(g.getattrFlags()));
            f.put("fh", g.fh());
        } else if (body instanceof fusesim.kernel.proto.SetattrIn sa) {
            f.put("valid", u32(sa.valid()));
            f.put("fh", sa.fh());
            f.put("size", sa.size());
            f.put("mode", u32(sa.mode()));
            f.put("uid", u32(sa.uid()));
            f.put("gid", u32(sa.gid()));
        } else if (body instanceof fusesim.kernel.proto.LseekIn l) {
            f.put("fh", l.fh());
            f.put("offset", l.offset());
            f.put("whence", u32(l.whence()));
        } else if (body instanceof fusesim.kernel.proto.FallocateIn fa) {
            f.put("fh", fa.fh());
            f.put("offset", fa.offset());
            f.put("length", fa.length());
            f.put("mode", u32(fa.mode()));
        } else if (body instanceof fusesim.kernel.proto.AccessIn a) {
            f.put("mask", u32(a.mask()));
        } else if (body instanceof fusesim.kernel.proto.GetxattrIn g) {
            f.put("size", u32(g.size()));
        } else if (body instanceof fusesim.kernel.proto.SetxattrIn sx) {
            f.put("size", u32(sx.size()));
            f.put("flags", u32(sx.flags()));
        } else if (body instanceof fusesim.kernel.proto.RenameIn rn) {
            f.put("newdir", rn.newdir());
        } else if (body instanceof fusesim.kernel.proto.Rename2In rn) {
            f.put("newdir", rn.newdir());
            f.put("flags", u32(rn.flags()));
        } else if (body instanceof fusesim.kernel.proto.StatxIn sx) {
            f.put("getattr_flags", u32(sx.getattrFlags()));
            f.put("fh", sx.fh());
            f.put("sx_flags", u32(sx.sxFlags()));
            f.put("sx_mask", u32(sx.sxMask()));
        }
        return f;
    }

    /** The fields as traces print them: {@code ,valid=SIZE|LOCKOWNER,size=0} (empty if none). */
    public String renderedFields() {
        return fusesim.model.fuse.RequestFields.render(modelOpcode(), fields());
    }

    private fusesim.model.Opcode modelOpcode() {
        return fusesim.model.Opcode.parse(op.name()).orElse(fusesim.model.Opcode.INIT);
    }

    private static long u32(int v) {
        return Integer.toUnsignedLong(v);
    }

    /** The name traces print in the request's base: none for an xattr op (its name is the field). */
    public String entryName() {
        return fusesim.model.fuse.RequestFields.namesXattr(modelOpcode()) ? null : name;
    }

    @Override
    public String toString() {
        return RecordedRequest.format(op, nodeid(), entryName(), inArg(), renderedFields()) + " unique=" + unique()
                + " pid=" + pid();
    }
}
