package fusesim.kernel.server;

import fusesim.kernel.proto.FuseAttr;
import fusesim.kernel.sys.Beneath;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.StatBuf;
import fusesim.model.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lower file system the server exports: real files in a directory (the trace's {@code lower}
 * lines), plus the server's node table (nodeid -> path, nlookup), as a passthrough_hp-like server keeps
 * its {@code Inode} map. A node's id is the lower file's st_ino unless configured ({@code ino=10});
 * the root is nodeid 1. Generation is always 0.
 */
public final class LowerTree {
    /** Root nodeid (FUSE_ROOT_ID). */
    public static final long ROOT = 1;

    private final Path root;
    private final Map<Long, Long> nodeidByRealIno = new ConcurrentHashMap<>();
    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    /** Trace attributes a real file cannot carry (nlink, times, generation), per real st_ino. */
    private final Map<Long, Map<String, Long>> overrides = new ConcurrentHashMap<>();
    /** The nodeid of the latest entry reply for each looked-up path: what the kernel's dentry there holds. */
    private final Map<String, Long> lastEntry = new ConcurrentHashMap<>();
    /** Model-like nodeid allocation (0 = off: nodeid = the real st_ino). */
    private long nextIno;

    /** One node the kernel knows about: a path that reaches it and the lookup count. */
    static final class Node {
        volatile String path;
        long nlookup;

        Node(String path) {
            this.path = path;
        }
    }

    public LowerTree(Path root) {
        this.root = root;
        nodes.put(ROOT, new Node("/"));
    }

    public Path root() {
        return root;
    }

    /**
     * The real path of a trace path ("/a" -> "<root>/a"), for an operation that does not follow its
     * last component (lstat, mkdir, unlink, rename, symlink, readlink, lchown, link). The trace path
     * must be plain ({@code TracePaths}) and every directory on the way must resolve beneath the
     * root with no symbolic link ({@link Beneath}): the lower tree is built from an untrusted trace
     * and served as root, so nothing may lead out of it.
     *
     * @throws Beneath.Escape when the path would leave the lower tree
     */
    public String real(String tracePath) {
        if (tracePath == null) {
            throw new IllegalStateException("the server knows no path for this request's nodeid");
        }
        if (tracePath.equals("/")) {
            return root.toString();
        }
        String why = fusesim.traces.lang.TracePaths.problem(tracePath, false);
        if (why != null) {
            throw new Beneath.Escape("lower path " + tracePath + " refused: " + why);
        }
        int slash = tracePath.lastIndexOf('/');
        Beneath.check(root.toString(), tracePath.substring(1, Math.max(1, slash)));
        return root + tracePath;
    }

    /**
     * {@link #real} for an operation that follows its last component (open, chmod, truncate,
     * listing a directory, writing a file): that component may not be a symbolic link either.
     */
    public String realFollowed(String tracePath) {
        String real = real(tracePath);
        if (!tracePath.equals("/")) {
            Beneath.check(root.toString(), tracePath.substring(1));
        }
        return real;
    }

    /**
     * Allocates nodeids like the model's lower tree does instead of using real st_ino: from
     * {@code start} up, in creation order, always above every explicit {@code ino}.
     */
    public synchronized void allocateInos(long start) {
        nextIno = start;
    }

    /** Sets attributes the real file cannot carry: nlink, atime, mtime, ctime, generation. */
    public void override(String path, String key, long value) {
        overrides.computeIfAbsent(stat(path).ino(), k -> new ConcurrentHashMap<>()).put(key, value);
    }

    /**
     * Adds {@code delta} to an override set earlier (none: nothing to do). {@code lower link} and
     * {@code lower unlink} change a trace-set {@code nlink} as the model's lower tree does.
     */
    public void adjustOverride(String path, String key, long delta) {
        Map<String, Long> o = overrides.get(stat(path).ino());
        if (o != null) {
            o.computeIfPresent(key, (k, v) -> v + delta);
        }
    }

    /**
     * The name the server knows an inode by: for a hard-linked file the first of its paths in a
     * depth-first walk of the lower tree in name order, as the model's server names it
     * ({@code Lower.pathOf}), so {@code server open /a ...} also answers opens through {@code /b}.
     */
    public String canonical(String path) {
        if (path == null || path.equals("/")) {
            return path;
        }
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(real(path), err);
        if (st == null || st.nlink() <= 1 || (st.mode() & 0170000) == 0040000) {
            return path;
        }
        String first = firstWithIno("/", st.ino());
        return first == null ? path : first;
    }

    private String firstWithIno(String dir, long ino) {
        String[] names = new java.io.File(realFollowed(dir)).list();
        if (names == null) {
            return null;
        }
        java.util.Arrays.sort(names);
        for (String n : names) {
            String p = child(dir, n);
            int[] err = new int[1];
            StatBuf st = StatBuf.lstat(real(p), err);
            if (st == null) {
                continue;
            }
            if (st.ino() == ino) {
                return p;
            }
            if ((st.mode() & 0170000) == 0040000) {
                String sub = firstWithIno(p, ino);
                if (sub != null) {
                    return sub;
                }
            }
        }
        return null;
    }

    /** The generation the server answers for a lower inode (0 unless set). */
    public long generationOf(StatBuf st) {
        Map<String, Long> o = overrides.get(st.ino());
        return o == null ? 0 : o.getOrDefault("generation", 0L);
    }

    /** Gives an existing lower inode the nodeid {@code ino}. */
    public synchronized void assignIno(String path, long ino) {
        nodeidByRealIno.put(stat(path).ino(), ino);
        if (nextIno > 0) {
            nextIno = Math.max(nextIno, ino + 1);
        }
    }

    /** A fifo ({@code S_IFIFO}) or character device (dev 0) ({@code S_IFCHR}) node. */
    public void special(String path, int type, int mode, int uid, int gid, Long ino) {
        com.sun.jna.Memory p = new com.sun.jna.Memory(real(path).getBytes().length + 1L);
        p.setString(0, real(path));
        // character devices get /dev/null's number (1, 3) so they can be opened: dev 0 gives ENXIO
        long dev = (type & 0170000) == 0020000 ? (1 << 8) | 3 : 0;
        long rc = Libc.syscall(133 /* mknod */, com.sun.jna.Pointer.nativeValue(p), type | (mode & 07777), dev);
        check((int) rc, "mknod", path);
        finish(path, mode, uid, gid, ino);
    }

    /** A LOOKUP of {@code path} got a negative entry or an error: the kernel's dentry there has no inode. */
    public void lookupFailed(String path) {
        if (path != null) {
            lastEntry.remove(path);
        }
    }

    /**
     * The nodeid the kernel's dentry at {@code path} holds, as far as the server can tell: the one of
     * the latest positive entry reply for that path (even after the lower file was replaced); empty
     * if the path was never looked up with success (no positive dentry can be there).
     */
    public java.util.Optional<Long> dentryNodeid(String path) {
        return path.equals("/") ? java.util.Optional.of(ROOT) : java.util.Optional.ofNullable(lastEntry.get(path));
    }

    /**
     * The nodeid of a trace path: the one the latest entry reply for that path gave (the kernel's
     * dentry holds it, even after the lower file was replaced), else from the node table, else from
     * the lower inode.
     */
    public long nodeidOfPath(String path) {
        if (path.equals("/")) {
            return ROOT;
        }
        Long last = lastEntry.get(path);
        if (last != null) {
            return last;
        }
        for (Map.Entry<Long, Node> e : nodes.entrySet()) {
            if (path.equals(e.getValue().path)) {
                return e.getKey();
            }
        }
        return nodeidOf(stat(path), path);
    }

    /** Creates a regular file filled with {@link #pattern} bytes, then sets mode and owner. */
    public void file(String path, long size, int mode, int uid, int gid, Long ino) {
        try {
            Files.write(Path.of(realFollowed(path)), pattern(0, (int) size));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create lower file " + path, e);
        }
        finish(path, mode, uid, gid, ino);
    }

    /** Creates a directory with mode and owner. */
    public void dir(String path, int mode, int uid, int gid, Long ino) {
        check(Libc.mkdir(real(path), 0700), "mkdir", path);
        finish(path, mode, uid, gid, ino);
    }

    /** A hard link {@code newPath} to {@code existing}: the same inode under a second name. */
    public void link(String newPath, String existing) {
        check(Libc.link(real(existing), real(newPath)), "link", newPath);
    }

    /** A symbolic link {@code path -> target}. */
    public void symlink(String path, String target) {
        check(Libc.symlink(target, real(path)), "symlink", path);
    }

    private void finish(String path, int mode, int uid, int gid, Long ino) {
        // chown first: a chown clears S_ISUID/S_ISGID, so the mode must come after it.
        check(Libc.lchown(real(path), uid, gid), "chown", path);
        check(Libc.chmod(realFollowed(path), mode & 07777), "chmod", path);
        if (ino != null) {
            assignIno(path, ino);
        } else {
            nodeidOf(stat(path), path);
        }
    }

    private static void check(int rc, String what, String path) {
        if (rc != 0) {
            throw new IllegalStateException("lower " + what + " " + path + " failed: " + Errno.nameOf(Libc.errno()));
        }
    }

    /** The file content convention: byte i of every lower file is {@code 'a' + i % 26}. */
    public static byte[] pattern(long offset, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) ('a' + (offset + i) % 26);
        }
        return b;
    }

    /** lstat of a trace path; throws if missing. */
    public StatBuf stat(String path) {
        int[] err = new int[1];
        StatBuf st = StatBuf.lstat(real(path), err);
        if (st == null) {
            throw new IllegalStateException("lower " + path + ": " + Errno.nameOf(err[0]));
        }
        return st;
    }

    /** The nodeid the server uses for a lower inode. */
    public long nodeidOf(StatBuf st, String path) {
        if (path.equals("/")) {
            return ROOT;
        }
        Long known = nodeidByRealIno.get(st.ino());
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (nextIno == 0) {
                return st.ino();
            }
            return nodeidByRealIno.computeIfAbsent(st.ino(), k -> nextIno++);
        }
    }

    /**
     * fuse_attr from a lower stat with the trace's overrides (nlink, times). Directories report
     * size 0, as the model's lower tree does (a real ext4 directory is 4096 bytes).
     */
    public FuseAttr attrOf(StatBuf st, long nodeid) {
        FuseAttr a = attr(st, nodeid);
        if ((a.mode() & 0170000) == 0040000) {
            a = new FuseAttr(a.ino(), 0, a.blocks(), a.atime(), a.mtime(), a.ctime(), a.atimensec(),
                    a.mtimensec(), a.ctimensec(), a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(), a.blksize(),
                    a.flags());
        }
        Map<String, Long> o = overrides.get(st.ino());
        if (o == null) {
            return a;
        }
        return new FuseAttr(a.ino(), a.size(), a.blocks(), o.getOrDefault("atime", a.atime()),
                o.getOrDefault("mtime", a.mtime()), o.getOrDefault("ctime", a.ctime()),
                o.containsKey("atime") ? 0 : a.atimensec(), o.containsKey("mtime") ? 0 : a.mtimensec(),
                o.containsKey("ctime") ? 0 : a.ctimensec(), a.mode(),
                (int) (long) o.getOrDefault("nlink", (long) a.nlink()), a.uid(), a.gid(), a.rdev(), a.blksize(),
                a.flags());
    }

    /** fuse_attr from a lower stat, with {@code ino} = the nodeid. */
    public static FuseAttr attr(StatBuf st, long nodeid) {
        return new FuseAttr(nodeid, st.size(), st.blocks(), st.atime(), st.mtime(), st.ctime(),
                (int) st.atimeNsec(), (int) st.mtimeNsec(), (int) st.ctimeNsec(), st.mode(), (int) st.nlink(),
                st.uid(), st.gid(), (int) st.rdev(), (int) st.blksize(), 0);
    }

    /** The trace path of a child entry. */
    public static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** The path the server knows for a nodeid, or null. */
    public String pathOf(long nodeid) {
        Node n = nodes.get(nodeid);
        return n == null ? null : n.path;
    }

    /** Bookkeeping for a successful entry reply: nlookup++ (and remember the path). */
    public synchronized void looked(long nodeid, String path) {
        if (path != null) {
            lastEntry.put(path, nodeid);
        }
        String name = canonical(path);
        Node n = nodes.computeIfAbsent(nodeid, id -> new Node(name));
        if (name != null && nodeid != ROOT) {
            n.path = name; // nodeid 1 stays the root's, whatever a reply claims
        }
        n.nlookup++;
    }

    /**
     * Undoes {@link #looked} for an entry reply the kernel did not take (its request was gone):
     * nlookup-- and the path's former latest entry back ({@code formerEntry}, null for none).
     */
    public synchronized void unlooked(long nodeid, String path, Long formerEntry) {
        forget(nodeid, 1);
        if (path != null) {
            if (formerEntry == null) {
                lastEntry.remove(path);
            } else {
                lastEntry.put(path, formerEntry);
            }
        }
    }

    /** FORGET bookkeeping: nlookup -= n; the node is dropped at 0 (the root never is). */
    public synchronized void forget(long nodeid, long n) {
        Node node = nodes.get(nodeid);
        if (node == null) {
            return;
        }
        node.nlookup -= n;
        if (node.nlookup <= 0 && nodeid != ROOT) {
            nodes.remove(nodeid);
            lastEntry.values().removeIf(id -> id == nodeid); // the kernel's inode is gone, and its dentries
        }
    }

    /** Server-side nlookup per nodeid (sorted), for expectations and leak checks. */
    public synchronized Map<Long, Long> nlookups() {
        Map<Long, Long> out = new TreeMap<>();
        nodes.forEach((id, n) -> out.put(id, n.nlookup));
        return out;
    }

    /** Updates paths after a rename of {@code from} to {@code to}. */
    public void renamed(String from, String to) {
        for (Node n : nodes.values()) {
            if (n.path != null && (n.path.equals(from) || n.path.startsWith(from + "/"))) {
                n.path = to + n.path.substring(from.length());
            }
        }
        for (String p : java.util.List.copyOf(lastEntry.keySet())) {
            if (p.equals(from) || p.startsWith(from + "/")) {
                lastEntry.put(to + p.substring(from.length()), lastEntry.remove(p));
            }
        }
    }
}
