package fusesim.report.diagram;

import fusesim.model.vfs.Dentry;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.fuse.Request;
import fusesim.model.series.Semantics;
import fusesim.model.UserThread;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machines of the review document, each computed by {@link StateGraph#explore}: the io
 * mode of an inode (fs/fuse/iomode.c), the lifetime of a fuse_backing (backing.c), the lifetime
 * backing of a series inode under a patch prefix (v2 13/21 attaches it at lookup, 16/21 lets an
 * open inherit it), and the states of a dentry (dir.c: fuse_dentry_revalidate, d_invalidate).
 * One file /a (nodeid 10), one thread, at most two open fds: small enough to read, every state and
 * edge one the model reaches.
 */
public final class Diagrams {
    private Diagrams() {}

    static final String FILE = "/a";
    static final long NODEID = 10;

    /** The diagrams of the review document, in order. */
    public static List<StateGraph.Spec> all() {
        List<StateGraph.Spec> out = new ArrayList<>();
        out.add(new IoMode());
        out.add(new BackingLifetime());
        for (int k : List.of(12, 13, 16)) {
            out.add(new LifetimeBacking(k));
        }
        out.add(new DentryStates());
        return out;
    }

    static FuseInode inode(Kernel k) {
        FuseInode i = k.inodeHash.get(NODEID);
        return i == null || i.evicted ? null : i;
    }

    /** The fds open now (trace numbers). */
    static List<Integer> fds(StateGraph.Run r) {
        return new ArrayList<>(r.kernel().fds.keySet());
    }

    static String opened(String policy) {
        String p = policy.startsWith("passthrough") ? "passthrough"
                : policy.contains("parallel_direct_writes") ? "direct_io+parallel_writes" : policy.split(",")[0];
        return "open " + p;
    }

    /** The last statement of a move as an action: its call without fds, and the errno if it failed. */
    static String named(List<String> move, StateGraph.Run after, String name) {
        String res = after.lastResult();
        return res.startsWith("-1 ") ? name + " = " + res.substring(3) : name;
    }

    static void opens(List<List<String>> out, StateGraph.Run r, List<String> policies, int maxFds) {
        if (fds(r).size() >= maxFds) {
            return;
        }
        for (String p : policies) {
            List<String> m = new ArrayList<>();
            if (!p.equals(r.openPolicy(FILE))) {
                m.add("server open " + FILE + " " + p);
            }
            m.add("T1 open(\"" + FILE + "\", O_RDWR) = ?");
            out.add(m);
        }
    }

    static void closes(List<List<String>> out, StateGraph.Run r) {
        for (int fd : fds(r)) {
            out.add(List.of("T1 close(" + fd + ") = ?"));
        }
    }

    static String openAction(List<String> move, StateGraph.Run after) {
        String last = move.get(move.size() - 1);
        if (last.contains(" open(")) {
            return named(move, after, opened(after.openPolicy(FILE)));
        }
        int sp = last.indexOf(' ');
        String call = last.startsWith("T") ? last.substring(sp + 1, last.indexOf('(')) : last.split(" = ")[0];
        return named(move, after, call.replaceAll(" [0-9]+$", ""));
    }

    /** The io mode of /a's inode (fuse_inode.iocachectr and fb): what fuse_file_io_open() allows. */
    static final class IoMode implements StateGraph.Spec {
        public String name() {
            return "io-mode";
        }

        public String title() {
            return "Inode io mode (mainline, fs/fuse/iomode.c): iocachectr > 0 cached, < 0 uncached "
                    + "(passthrough when the inode holds a fuse_backing), 0 neutral";
        }

        public Semantics semantics() {
            return Semantics.MAINLINE;
        }

        public List<String> world() {
            return List.of("mount passthrough", "lower file /a ino=10 size=4096", "server backing_open /a = ?");
        }

        public List<List<String>> moves(StateGraph.Run r) {
            List<List<String>> out = new ArrayList<>();
            opens(out, r, List.of("cached", "direct_io", "direct_io,parallel_direct_writes", "passthrough backing=1"), 2);
            closes(out, r);
            // a parallel direct write holds the inode uncached while its WRITE is out (fuse_file_uncached_io_start)
            if (DentryStates.heldOf(r.kernel(), "T2") != null) {
                out.add(List.of("server reply T2 write", "T2 <... pwrite resumed>) = ?"));
            } else {
                for (int fd : fds(r)) {
                    out.add(List.of("server hold write", "T2 pwrite(" + fd + ", 1, 0 <unfinished ...>", "server unhold write"));
                }
            }
            return out;
        }

        public String label(Kernel k) {
            FuseInode i = inode(k);
            if (i == null) {
                return "no inode";
            }
            int c = i.iocachectr;
            String mode = c > 0 ? "cached" : c < 0 ? (i.fb != null ? "passthrough" : "uncached") : "neutral";
            return mode + " iocachectr=" + c;
        }

        public String action(List<String> move, StateGraph.Run after) {
            if (move.get(0).startsWith("server hold write")) {
                return "pwrite, WRITE held";
            }
            if (move.get(0).startsWith("server reply")) {
                return "WRITE answered";
            }
            return openAction(move, after);
        }

        public int depth() {
            return 5;
        }
    }

    /** The lifetime of the first fuse_backing (backing.c: registered in the idr, referenced by files, closed, freed). */
    static final class BackingLifetime implements StateGraph.Spec {
        public String name() {
            return "backing-lifetime";
        }

        public String title() {
            return "fuse_backing lifetime (mainline, fs/fuse/backing.c): registered by BACKING_OPEN, "
                    + "referenced by passthrough files, closed by BACKING_CLOSE, freed at the last put";
        }

        public Semantics semantics() {
            return Semantics.MAINLINE;
        }

        public List<String> world() {
            return List.of("mount passthrough", "lower file /a ino=10 size=4096", "server open /a passthrough backing=1");
        }

        public List<List<String>> moves(StateGraph.Run r) {
            List<List<String>> out = new ArrayList<>();
            Kernel k = r.kernel();
            if (k.allBackings.isEmpty()) {
                out.add(List.of("server backing_open /a = ?"));
            } else {
                out.add(List.of("server backing_close 1 = ?"));
            }
            opens(out, r, List.of("passthrough backing=1"), 2);
            closes(out, r);
            return out;
        }

        public String label(Kernel k) {
            if (k.allBackings.isEmpty()) {
                return "not opened";
            }
            FuseBacking fb = k.allBackings.get(0);
            if (fb.freed) {
                return "freed";
            }
            boolean registered = k.fc.backingFilesMap.containsValue(fb);
            return (registered ? "registered" : "closed") + " refcount=" + fb.count;
        }

        public String action(List<String> move, StateGraph.Run after) {
            return openAction(move, after);
        }

        public int depth() {
            return 5;
        }
    }

    /** The lifetime backing of /a's inode under v2@K (fuse_inode.lifetimeFb, v2 07/13/16). */
    static final class LifetimeBacking implements StateGraph.Spec {
        final int k;

        LifetimeBacking(int k) {
            this.k = k;
        }

        public String name() {
            return "lifetime-backing-v2-" + k;
        }

        public String title() {
            return "Lifetime backing of a series inode under v2@" + k + ": the entry reply names backing 1 "
                    + "(ops read,write,getattr,setattr); opens name it (backing=1) or inherit it (backing=0)";
        }

        public Semantics semantics() {
            return Semantics.v2(k);
        }

        public List<String> world() {
            return List.of("mount passthrough passthrough_ino", "lower file /a ino=10 size=4096",
                    "server backing_open /a ops=read,write,getattr,setattr = ?", "server lookup /a entry backing=1");
        }

        public List<List<String>> moves(StateGraph.Run r) {
            List<List<String>> out = new ArrayList<>();
            out.add(List.of("T1 stat(\"/a\") = ?"));
            opens(out, r, List.of("passthrough backing=1", "passthrough backing=0", "cached"), 1);
            closes(out, r);
            if (r.kernel().fc.backingFilesMap.containsKey(1)) {
                out.add(List.of("server backing_close 1 = ?"));
            }
            out.add(List.of("drop_caches"));
            return out;
        }

        public String label(Kernel kernel) {
            FuseInode i = inode(kernel);
            if (i == null) {
                return "no inode";
            }
            String lt = i.lifetimeFb == null ? "no lifetime backing" : "lifetime backing refcount=" + i.lifetimeFb.count;
            return lt + ", iocachectr=" + i.iocachectr;
        }

        public String action(List<String> move, StateGraph.Run after) {
            String last = move.get(move.size() - 1);
            if (last.contains(" open(")) {
                String p = after.openPolicy(FILE);
                return named(move, after, p.startsWith("passthrough") ? "open " + p : "open " + p.split(",")[0]);
            }
            return openAction(move, after);
        }

        public int depth() {
            return 4;
        }
    }

    /** The dentry of /a: valid, expired, revalidating (its LOOKUP held), invalid; fuse_dentry_revalidate. */
    static final class DentryStates implements StateGraph.Spec {
        public String name() {
            return "dentry";
        }

        public String title() {
            return "Dentry of /a (mainline, fs/fuse/dir.c): entry timeout 1 s; a stat after expiry revalidates "
                    + "with LOOKUP (held here); INVAL_ENTRY invalidates it (d_invalidate)";
        }

        public Semantics semantics() {
            return Semantics.MAINLINE;
        }

        public List<String> world() {
            return List.of("mount", "lower file /a ino=10", "server lookup /a entry entry_valid=1s");
        }

        /** The opcode of the held request thread {@code t} waits for, or null. */
        static fusesim.model.Opcode heldOf(Kernel k, String t) {
            UserThread u = k.threads.get(t);
            return u != null && u.task != null && u.task.waitReq != null && u.task.waitReq.state == Request.State.HELD
                    ? u.task.waitReq.opcode : null;
        }

        static boolean lookupHeld(Kernel k) {
            return heldOf(k, "T1") == fusesim.model.Opcode.LOOKUP;
        }

        static boolean busy(Kernel k) {
            UserThread u = k.threads.get("T1");
            return u != null && u.task != null;
        }

        public List<List<String>> moves(StateGraph.Run r) {
            List<List<String>> out = new ArrayList<>();
            Kernel k = r.kernel();
            if (lookupHeld(k)) {
                out.add(List.of("server reply T1 lookup", "T1 <... stat resumed>) = ?"));
                return out;
            }
            out.add(List.of("T1 stat(\"/a\") = ?"));
            out.add(List.of("server hold lookup /a", "T1 stat(\"/a\" <unfinished ...>", "server unhold lookup /a"));
            out.add(List.of("tick 2s"));
            out.add(List.of("server notify inval_entry /a"));
            return out;
        }

        public String label(Kernel k) {
            Dentry d = k.root == null ? null : k.root.children.get("a");
            if (d == null || d.killed) {
                return lookupHeld(k) ? "in lookup (no dentry yet)" : "none";
            }
            if (!d.hashed) {
                return "invalid (unhashed)";
            }
            if (lookupHeld(k)) {
                return d.inode == null ? "in lookup (LOOKUP in flight)" : "revalidating (LOOKUP in flight)";
            }
            if (d.inode == null) {
                return "negative";
            }
            return d.time > k.now ? "valid" : "expired";
        }

        public String action(List<String> move, StateGraph.Run after) {
            String first = move.get(0);
            if (first.startsWith("server hold")) {
                return "stat, LOOKUP held";
            }
            if (first.startsWith("server reply")) {
                return "LOOKUP answered";
            }
            if (first.startsWith("server notify")) {
                return named(move, after, "INVAL_ENTRY");
            }
            if (first.startsWith("tick")) {
                return "1 s passes";
            }
            return named(move, after, "stat");
        }

        public int depth() {
            return 5;
        }
    }
}
