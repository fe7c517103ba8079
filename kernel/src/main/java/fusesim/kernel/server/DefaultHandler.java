package fusesim.kernel.server;

import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.CreateIn;
import fusesim.kernel.proto.Dirent;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.FallocateIn;
import fusesim.kernel.proto.FsyncIn;
import fusesim.kernel.proto.MkdirIn;
import fusesim.kernel.proto.MknodIn;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.ReadIn;
import fusesim.kernel.proto.ReleaseIn;
import fusesim.kernel.proto.SetattrIn;
import fusesim.kernel.proto.StatfsOut;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WriteIn;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.StatBuf;
import fusesim.model.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The well-behaved default answers, modelled on libfuse's example/passthrough_hp.cc: every request is
 * carried out on the lower tree; file handles are lower fds; directory listings are sorted by name so
 * replays are deterministic. Unknown requests get ENOSYS.
 */
final class DefaultHandler {
    private static final int DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    private final LowerTree tree;
    private final ServerConfig config;
    /** Open directory handles: the path each lists (listed afresh at every READDIR, as the model's server does). */
    private final Map<Long, String> dirs = new ConcurrentHashMap<>();
    private final AtomicLong nextDirFh = new AtomicLong(1L << 40);
    /** The entry fields of the LOOKUP policy for a path (null: none), for READDIRPLUS records. */
    volatile java.util.function.Function<String, Map<String, Long>> lookupPolicy = p -> null;

    DefaultHandler(LowerTree tree, ServerConfig config) {
        this.tree = tree;
        this.config = config;
    }

    Answer handle(Request r) {
        return switch (r.op()) {
            case LOOKUP -> entry(r.path());
            case GETATTR -> attr(r.path());
            case SETATTR -> setattr(r);
            case OPEN -> open(r.path());
            case CREATE -> create(r);
            case READ -> read(r);
            case WRITE -> write(r);
            case FLUSH, ACCESS, DESTROY, FSYNCDIR -> Answer.OK;
            case RELEASE -> closeFh(((ReleaseIn) r.body()).fh());
            case FSYNC -> errnoOrOk(Libc.fsync((int) ((FsyncIn) r.body()).fh()));
            case FALLOCATE -> fallocate((FallocateIn) r.body());
            case OPENDIR -> opendir(r.path());
            case READDIR -> readdir((ReadIn) r.body());
            case READDIRPLUS -> readdirplus(r.path(), (ReadIn) r.body());
            case RELEASEDIR -> releasedir((ReleaseIn) r.body());
            case STATFS -> statfs();
            case MKDIR -> mkdir(r);
            case MKNOD -> mknod(r);
            case UNLINK -> unlink(r.path());
            case RMDIR -> errnoOrOk(Libc.rmdir(tree.real(r.path())));
            case RENAME -> rename(r);
            case LINK -> link(r);
            case SYMLINK -> symlink(r);
            case READLINK -> readlink(r.path());
            default -> Answer.error(Errno.ENOSYS.value);
        };
    }

    /** An entry answer for a path, from lstat; ENOENT if missing. */
    Answer entry(String path) {
        if (path == null) {
            return Answer.error(Errno.ENOENT.value);
        }
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(tree.real(path), err);
        if (st == null) {
            return Answer.error(err[0]);
        }
        long id = tree.nodeidOf(st, path);
        return new Answer.Entry(new EntryOut(id, tree.generationOf(st), config.entryValid, config.attrValid, 0, 0,
                tree.attrOf(st, id)), 0);
    }

    /** GETATTR's answer for a path: the lower file's attributes (also a SETATTR left unapplied). */
    Answer attrOf(String path) {
        return attr(path);
    }

    private Answer attr(String path) {
        if (path == null) {
            return Answer.error(Errno.ESTALE.value);
        }
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(tree.real(path), err);
        return st == null ? Answer.error(err[0])
                : new Answer.Attr(new AttrOut(config.attrValid, 0, tree.attrOf(st, tree.nodeidOf(st, path))));
    }

    private Answer setattr(Request r) {
        SetattrIn s = (SetattrIn) r.body();
        // chmod and truncate follow the last component: it may not be a symbolic link (LowerTree)
        String real = s.has(SetattrIn.FATTR_MODE) || s.has(SetattrIn.FATTR_SIZE) ? tree.realFollowed(r.path())
                : tree.real(r.path());
        int rc = 0;
        if (s.has(SetattrIn.FATTR_MODE)) {
            rc |= Libc.chmod(real, s.mode() & 07777);
        }
        if (rc == 0 && (s.has(SetattrIn.FATTR_UID) || s.has(SetattrIn.FATTR_GID))) {
            rc |= Libc.lchown(real, s.has(SetattrIn.FATTR_UID) ? s.uid() : -1,
                    s.has(SetattrIn.FATTR_GID) ? s.gid() : -1);
        }
        if (rc == 0 && s.has(SetattrIn.FATTR_SIZE)) {
            rc |= Libc.truncate(real, s.size());
        }
        return rc != 0 ? Answer.error(Libc.errno()) : attr(r.path());
    }

    /** Opens the lower file read-write (read-only if that fails); fh = the lower fd; cached (flags 0). */
    Answer open(String path) {
        int fd = openLower(path, 0, 0);
        return fd < 0 ? Answer.error(-fd) : new Answer.Open(new OpenOut(fd, 0, 0));
    }

    private int openLower(String path, int extraFlags, int mode) {
        String real = tree.realFollowed(path);
        int flags = Libc.O_CLOEXEC | Libc.O_NOFOLLOW | extraFlags; // a symlink planted since: ELOOP
        int fd = Libc.open(real, Libc.O_RDWR | flags, mode);
        if (fd < 0 && Libc.errno() != Errno.EEXIST.value) {
            fd = Libc.open(real, Libc.O_RDONLY | flags, mode);
        }
        return fd >= 0 ? fd : -Libc.errno();
    }

    private Answer create(Request r) {
        CreateIn c = (CreateIn) r.body();
        int excl = (c.flags() & Libc.O_EXCL) != 0 ? Libc.O_EXCL : 0;
        int fd = openLower(r.path(), Libc.O_CREAT | excl, c.mode() & ~c.umask() & 07777);
        if (fd < 0) {
            return Answer.error(-fd);
        }
        Libc.fchown(fd, r.header().uid(), r.header().gid());
        Answer e = entry(r.path());
        if (!(e instanceof Answer.Entry en)) {
            Libc.close(fd);
            return e;
        }
        return new Answer.Create(en.entry(), new OpenOut(fd, 0, 0), 0);
    }

    private static Answer read(Request r) {
        ReadIn in = (ReadIn) r.body();
        byte[] buf = new byte[in.size()];
        long n = Libc.pread((int) in.fh(), buf, in.size(), in.offset());
        return n < 0 ? Answer.error(Libc.errno()) : new Answer.Data(java.util.Arrays.copyOf(buf, (int) n));
    }

    private static Answer write(Request r) {
        WriteIn in = (WriteIn) r.body();
        long n = Libc.pwrite((int) in.fh(), r.data(), r.data().length, in.offset());
        return n < 0 ? Answer.error(Libc.errno()) : new Answer.Write((int) n);
    }

    private static Answer closeFh(long fh) {
        Libc.close((int) fh);
        return Answer.OK;
    }

    private static Answer fallocate(FallocateIn f) {
        return errnoOrOk(Libc.fallocate((int) f.fh(), f.mode(), f.offset(), f.length()));
    }

    private Answer opendir(String path) {
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(tree.real(path), err);
        if (st == null) {
            return Answer.error(err[0]);
        }
        if (!st.isDir()) {
            return Answer.error(Errno.ENOTDIR.value);
        }
        long fh = nextDirFh.incrementAndGet();
        dirs.put(fh, path);
        return new Answer.Open(new OpenOut(fh, 0, 0));
    }

    /** ".", ".." and the children sorted by name; off = index + 1 (the next entry's cookie). */
    private List<Dirent> listing(String path, StatBuf self) {
        List<String> names = new ArrayList<>();
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of(tree.realFollowed(path)))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (java.io.IOException e) {
            return List.of();
        }
        names.sort(null);
        List<Dirent> out = new ArrayList<>();
        long selfId = tree.nodeidOf(self, path);
        out.add(new Dirent(selfId, 1, DT_DIR, "."));
        out.add(new Dirent(selfId, 2, DT_DIR, ".."));
        for (String n : names) {
            int[] err = new int[1];
            String child = LowerTree.child(path, n);
            StatBuf st = StatBuf.lstat(tree.real(child), err);
            if (st != null) {
                out.add(new Dirent(tree.nodeidOf(st, child), out.size() + 1, dtype(st), n));
            }
        }
        return out;
    }

    private static int dtype(StatBuf st) {
        int fmt = st.mode() & StatBuf.S_IFMT;
        return fmt == StatBuf.S_IFDIR ? DT_DIR : fmt == StatBuf.S_IFLNK ? DT_LNK : DT_REG;
    }

    /**
     * The listing of an open directory now: names made or removed since OPENDIR are in it, as the
     * model's server lists its lower directory at every READDIR (passthrough_hp's telldir cookies
     * would keep a snapshot-like stream; the model is the reference here).
     */
    private List<Dirent> listingOf(long fh) {
        String path = dirs.get(fh);
        if (path == null) {
            return List.of();
        }
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(tree.real(path), err);
        return st == null ? List.of() : listing(path, st);
    }

    private Answer readdir(ReadIn in) {
        List<Dirent> all = listingOf(in.fh());
        int from = (int) Math.min(in.offset(), all.size());
        return new Answer.Data(Dirent.pack(all.subList(from, all.size()), in.size()));
    }

    /** fuse_direntplus records: entry_out (nodeid 0 for "." and "..") then the dirent. */
    private Answer readdirplus(String path, ReadIn in) {
        List<Dirent> all = listingOf(in.fh());
        ByteBuffer out = Wire.allocate(in.size());
        for (int i = (int) Math.min(in.offset(), all.size()); i < all.size(); i++) {
            Dirent d = all.get(i);
            if (out.remaining() < EntryOut.SIZE + d.recordSize()) {
                break;
            }
            boolean dot = d.name().equals(".") || d.name().equals("..");
            Answer e = dot ? null : plusEntry(LowerTree.child(path, d.name()));
            if (e instanceof Answer.Entry en) {
                en.entry().encode(out);
                tree.looked(en.entry().nodeid(), LowerTree.child(path, d.name()));
            } else {
                out.position(out.position() + EntryOut.SIZE);
            }
            d.encode(out);
        }
        return new Answer.Data(java.util.Arrays.copyOf(out.array(), out.position()));
    }

    /**
     * A READDIRPLUS record's entry: the default entry with the fields of the name's LOOKUP policy, as
     * the model's server makes it (an error or negative policy gives the default entry).
     */
    private Answer plusEntry(String child) {
        Answer e = entry(child);
        Map<String, Long> patch = lookupPolicy.apply(child);
        return patch == null || !(e instanceof Answer.Entry) ? e : ReplyEncoder.patch(e, e, patch);
    }

    private Answer releasedir(ReleaseIn in) {
        dirs.remove(in.fh());
        return Answer.OK;
    }

    private static Answer statfs() {
        return new Answer.Data(encodeStatfs(new StatfsOut(1 << 20, 1 << 19, 1 << 19, 1 << 16, 1 << 15, 4096, 255, 4096)));
    }

    private static byte[] encodeStatfs(StatfsOut s) {
        ByteBuffer b = Wire.allocate(StatfsOut.SIZE);
        s.encode(b);
        return b.array();
    }

    private Answer mkdir(Request r) {
        MkdirIn m = (MkdirIn) r.body();
        String real = tree.real(r.path());
        if (Libc.mkdir(real, m.mode() & ~m.umask() & 07777) != 0) {
            return Answer.error(Libc.errno());
        }
        Libc.lchown(real, r.header().uid(), r.header().gid());
        return entry(r.path());
    }

    /**
     * MKNOD: the node in the lower tree with the request's whole mode (type and permissions, umask
     * already applied by the kernel) and rdev, owned by the caller, as passthrough_hp's mknod does.
     */
    private Answer mknod(Request r) {
        MknodIn m = (MknodIn) r.body();
        String real = tree.real(r.path());
        if (Libc.mknod(real, m.mode(), m.rdev()) != 0) {
            return Answer.error(Libc.errno());
        }
        Libc.lchown(real, r.header().uid(), r.header().gid());
        Libc.chmod(real, m.mode() & 07777); // this JVM's umask must not change the mode; chown cleared S_ISUID
        return entry(r.path());
    }

    private Answer rename(Request r) {
        String to = r.name2();
        if (Libc.rename(tree.real(r.path()), tree.real(to)) != 0) {
            return Answer.error(Libc.errno());
        }
        tree.renamed(r.path(), to);
        return Answer.OK;
    }

    private Answer link(Request r) {
        if (Libc.link(tree.real(r.name2()), tree.real(r.path())) != 0) {
            return Answer.error(Libc.errno());
        }
        tree.adjustOverride(r.path(), "nlink", 1); // a trace-set nlink counts the new name, as Lower.link does
        return entry(r.path());
    }

    /** UNLINK; a trace-set nlink loses the name, as the model's Lower.unlink counts it. */
    private Answer unlink(String path) {
        String real = tree.real(path);
        int[] err = new int[1];
        if (StatBuf.lstat(real, err) != null) {
            tree.adjustOverride(path, "nlink", -1);
        }
        int rc = Libc.unlink(real);
        if (rc != 0) {
            tree.adjustOverride(path, "nlink", 1);
        }
        return errnoOrOk(rc);
    }

    private Answer symlink(Request r) {
        if (Libc.symlink(r.name2(), tree.real(r.path())) != 0) {
            return Answer.error(Libc.errno());
        }
        Libc.lchown(tree.real(r.path()), r.header().uid(), r.header().gid());
        return entry(r.path());
    }

    private Answer readlink(String path) {
        byte[] buf = new byte[4096];
        long n = Libc.readlink(tree.real(path), buf, buf.length);
        return n < 0 ? Answer.error(Libc.errno()) : new Answer.Data(java.util.Arrays.copyOf(buf, (int) n));
    }

    private static Answer errnoOrOk(int rc) {
        return rc == 0 ? Answer.OK : Answer.error(Libc.errno());
    }

    private static Answer errnoOf(int rc) {
        return errnoOrOk(rc);
    }
}
