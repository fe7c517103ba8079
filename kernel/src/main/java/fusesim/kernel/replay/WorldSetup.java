package fusesim.kernel.replay;

import fusesim.kernel.KernelSession;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Libc;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel backend's world statements on the real system: a mount line as the server's INIT
 * configuration, and the lower tree's nodes, links, attributes and bytes as the model's
 * {@code Lower} applies them (in the order the trace states them). {@link KernelSteps} observes
 * each statement; this class only makes the world.
 */
final class WorldSetup {
    private static final long HANDLE_KILLPRIV = 1L << 19;
    private static final long EXPLICIT_INVAL_DATA = 1L << 25;
    private static final long HANDLE_KILLPRIV_V2 = 1L << 28;

    private final KernelSession session;
    private final List<String> notes;
    /** Lower paths stated with stack_depth > 0 (a stacked lower file system this harness does not build). */
    private final Set<String> stacked = new HashSet<>();

    WorldSetup(KernelSession session, List<String> notes) {
        this.session = session;
        this.notes = notes;
    }

    /** Whether the trace gave {@code path} a stack depth above 0. */
    boolean stacked(String path) {
        return stacked.contains(path);
    }

    /** The mount line as the server's INIT configuration (and the opcodes its policy answers ENOSYS). */
    static ServerConfig serverConfig(Stmt.Mount m, TracePolicy policy) {
        ServerConfig c = new ServerConfig().parallelDirops(!m.has(MountOption.NO_PARALLEL_DIROPS)).allowOther(true);
        long extra = 0;
        for (Stmt.MountArg a : m.options()) {
            Optional<Value> val = a.value();
            switch (a.option()) {
                case PASSTHROUGH -> c.passthrough(true);
                case PASSTHROUGH_INO -> c.passthroughIno(true);
                case WRITEBACK_CACHE -> c.writebackCache(true);
                case NO_INIT_EXT -> c.noInitExt(true);
                case MAX_STACK_DEPTH -> c.maxStackDepth((int) ((Value.Int) val.get()).value());
                case MINOR -> c.minor((int) ((Value.Int) val.get()).value());
                case DIRECT_IO_ALLOW_MMAP -> c.directIoAllowMmap(true);
                case PARALLEL_DIROPS, ALLOW_OTHER, NO_PARALLEL_DIROPS -> { }
                case READDIRPLUS -> c.readdirplus(true);
                case READDIRPLUS_AUTO -> extra |= InitFlags.READDIRPLUS_AUTO | InitFlags.DO_READDIRPLUS;
                case HANDLE_KILLPRIV -> extra |= HANDLE_KILLPRIV;
                case HANDLE_KILLPRIV_V2 -> extra |= HANDLE_KILLPRIV_V2;
                case AUTO_INVAL_DATA -> extra |= InitFlags.AUTO_INVAL_DATA;
                case EXPLICIT_INVAL_DATA -> extra |= EXPLICIT_INVAL_DATA;
                case ATOMIC_O_TRUNC -> extra |= InitFlags.ATOMIC_O_TRUNC;
                case DEFAULT_PERMISSIONS -> c.defaultPermissions(true);
                case NO_OPEN -> policy.enosys(WireOpcode.OPEN);
                case NO_OPENDIR -> policy.enosys(WireOpcode.OPENDIR);
                case NO_FLUSH -> policy.enosys(WireOpcode.FLUSH);
                case INIT_ERROR -> c.initError(((Value.Err) val.get()).errno().number());
                case MAX_WRITE -> c.maxWrite((int) ((Value.Int) val.get()).value());
            }
        }
        if (m.has(MountOption.PASSTHROUGH) && !m.has(MountOption.MAX_STACK_DEPTH)) {
            c.maxStackDepth(1);
        }
        c.extraFlags(extra);
        return c;
    }

    void lowerNode(Stmt.LowerNode n) {
        String path = n.path().text();
        List<Item> a = n.attrs();
        int uid = (int) (long) Item.longValue(a, "uid").orElse(0L);
        int gid = (int) (long) Item.longValue(a, "gid").orElse(0L);
        Long ino = Item.longValue(a, "ino").orElse(null);
        LowerTree tree = session.tree();
        boolean exists = Files.exists(Path.of(tree.real(path)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        switch (n.type()) {
            case FILE -> {
                session.lowerFile(path, Item.longValue(a, "size").orElse(0L),
                        (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
                dataInOrder(tree.real(path), a);
            }
            case DIR -> {
                int mode = (int) (long) Item.longValue(a, "mode").orElse(0755L);
                if (exists) {
                    Libc.chmod(tree.real(path), mode & 07777);
                    Libc.lchown(tree.real(path), uid, gid);
                    if (ino != null) {
                        tree.assignIno(path, ino);
                    }
                } else {
                    session.lowerDir(path, mode, uid, gid, ino);
                }
            }
            case CHR -> tree.special(path, 0020000, (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
            case FIFO -> tree.special(path, 0010000, (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
        }
        overrides(path, a);
        if (Item.longValue(a, "stack_depth").orElse(0L) > 0) {
            stacked.add(path);
        }
        if (Item.find(a, "stack_depth").isPresent()) {
            notes.add("line " + n.line() + ": stack_depth of a lower node is model-only (the lower files here are on "
                    + "a plain file system)");
        }
    }

    void lowerSet(Stmt.LowerSet ls) {
        String path = ls.path().text();
        LowerTree tree = session.tree();
        String real = tree.real(path);
        for (Item i : ls.attrs()) {
            long v = i.value() instanceof Value.Int n ? n.value() : 0;
            switch (i.key()) {
                case "size" -> resize(real, v);
                case "mode" -> Libc.chmod(real, (int) v & 07777);
                case "uid" -> Libc.lchown(real, (int) v, -1);
                case "gid" -> Libc.lchown(real, -1, (int) v);
                case "ino" -> tree.assignIno(path, v);
                case "data" -> setData(real, (Value.Data) i.value());
                default -> { }
            }
        }
        overrides(path, ls.attrs());
    }

    /** Grows with the pattern bytes (byte i = 'a' + i % 26) or shrinks the lower file. */
    private static void resize(String real, long size) {
        try {
            long old = Files.size(Path.of(real));
            if (size <= old) {
                Libc.truncate(real, size);
            } else {
                try (var ch = java.nio.channels.FileChannel.open(Path.of(real), java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(LowerTree.pattern(old, (int) (size - old))), old);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("lower set size of " + real + ": " + e.getMessage());
        }
    }

    private void overrides(String path, List<Item> attrs) {
        for (String k : List.of("nlink", "atime", "mtime", "ctime", "generation")) {
            Item.longValue(attrs, k).ifPresent(v -> session.tree().override(path, k, v));
        }
    }

    /** {@code data=} and a {@code size=} after it, in the order written, as the model applies them. */
    private static void dataInOrder(String real, List<Item> attrs) {
        boolean data = false;
        for (Item i : attrs) {
            if (i.value() instanceof Value.Data d) {
                setData(real, d);
                data = true;
            } else if (data && i.key().equals("size")) {
                resize(real, ((Value.Int) i.value()).value());
            }
        }
    }

    /** {@code data="..."}: the lower file holds exactly these bytes. */
    private static void setData(String real, Value.Data d) {
        try {
            Files.write(Path.of(real), d.bytes().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalStateException("lower data of " + real + ": " + e.getMessage());
        }
    }

    /** {@code lower write P offset=N "DATA"}: an outside writer's pwrite beside the mount. */
    void lowerWrite(Stmt.LowerWrite w) {
        String real = session.tree().real(w.path().text());
        try (var ch = java.nio.channels.FileChannel.open(Path.of(real), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(w.data().bytes().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), w.offset().value());
        } catch (IOException e) {
            throw new IllegalStateException("lower write " + real + ": " + e.getMessage());
        }
    }

    /** {@code lower link P -> T}: a hard link in the lower tree (T's nlink as the model's Lower.link counts it). */
    void lowerLink(Stmt.LowerLink l) {
        session.lowerLink(l.path().text(), l.target().text());
        session.tree().adjustOverride(l.target().text(), "nlink", 1); // as the model's Lower.link
    }

    /** {@code lower unlink P}: the lower file or directory removed beside the mount. */
    void lowerUnlink(Stmt.LowerUnlink u) {
        String real = session.tree().real(u.path().text());
        if (Files.exists(Path.of(real), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            session.tree().adjustOverride(u.path().text(), "nlink", -1); // as the model's Lower.unlink
        }
        if (Libc.unlink(real) != 0 && Libc.rmdir(real) != 0) {
            throw new IllegalStateException("lower unlink " + u.path() + " failed");
        }
    }
}
