package fusesim.model;

import fusesim.model.fuse.Backing;
import fusesim.model.fuse.Dev;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.File;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseConn;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Inode;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Passthrough;
import fusesim.model.fuse.Request;
import fusesim.model.series.InodePassthrough;
import fusesim.model.series.Semantics;
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.Vma;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole modelled world: one FUSE mount (its fuse_conn, inodes, dentries and open files), the
 * traced process (its threads, fd table and mappings), the server and its lower file system, and
 * a clock. Every state change happens through a step: a syscall starts or resumes, the server
 * acts, or the environment acts (tick, evict, drop_caches, umount).
 *
 * <p>Determinism: threads run in name order; maps are ordered; no wall clock, no randomness.
 */
public final class Kernel {
  public final Semantics sem;
  public final Faults faults;
  public final FuseConn fc = new FuseConn();
  public final Lower lower = new Lower();
  public final Server server;
  public final Dev dev = new Dev(this);
  public final Backing backing = new Backing(this);
  public final Iomode iomode = new Iomode(this);
  public final Passthrough passthrough = new Passthrough(this);
  public final InodePassthrough inodePt = new InodePassthrough(this);
  public final Inode inodes = new Inode(this);
  public final Dir dir = new Dir(this);
  public final File files = new File(this);

  /** Model time in nanoseconds; jiffies in the kernel. Starts above 0 so 0 means "expired". */
  public long now = 1;
  public boolean mounted;
  public boolean unmounted;
  /** SB_ACTIVE: cleared at umount, so eviction sends no FORGET. */
  public boolean sbActive;
  public Dentry root;

  /** The inode hash: nodeid → hashed inode (iget5_locked keys on nodeid). */
  public final Map<Long, FuseInode> inodeHash = new HashMap<>();
  /** Every inode not yet evicted, hashed or not, in creation order. */
  public final List<FuseInode> allInodes = new ArrayList<>();
  /** Every fuse_backing ever allocated, for refcount invariants. */
  public final List<FuseBacking> allBackings = new ArrayList<>();
  /** Every fuse_file not yet released. */
  public final List<FuseFile> openFiles = new ArrayList<>();
  /** The process's fd table. */
  public final TreeMap<Integer, KFile> fds = new TreeMap<>();
  /** fd numbers reserved by opens in flight (get_unused_fd_flags before fd_install). */
  public final java.util.Set<Integer> reservedFds = new java.util.TreeSet<>();
  /** The process's mappings by name (m1, m2, ...). */
  public final TreeMap<String, Vma> vmas = new TreeMap<>();
  public final TreeMap<String, UserThread> threads = new TreeMap<>();
  /**
   * Every dentry not yet killed, hashed or not (the d_subdirs lists, which keep unhashed dentries
   * until they die); umount and drop_caches walk these, lookups walk the hash
   * ({@link Dentry#children}).
   */
  public final java.util.LinkedHashSet<Dentry> liveDentries = new java.util.LinkedHashSet<>();
  /** Every request the kernel sent, in order (INIT excluded). */
  public final List<Request> log = new ArrayList<>();
  /** Background requests' end callbacks (fuse_release_end). */
  public final Map<Request, Runnable> backgroundEnds = new IdentityHashMap<>();
  /** Ghost: requests sent although the inode's lifetime backing grants the op (PT-BYPASS-INODE). */
  public final List<Request> bypassMisses = new ArrayList<>();
  /** Kernel assertions that fired, in order. */
  public final List<Finding> findings = new ArrayList<>();
  private final Map<String, Boolean> warnedOnce = new LinkedHashMap<>();
  /** pr_debug lines, for the step report. */
  public final List<String> notes = new ArrayList<>();

  public int nextSerial = 1;
  int nextVma = 1;

  public Kernel(Semantics sem, Faults faults) {
    this.sem = sem;
    this.faults = faults;
    this.server = new Server(this);
    threads.put("T1", new UserThread("T1", 0, 0));
  }

  // ---- assertions ----------------------------------------------------------------------------

  /** WARN_ON(cond): records a finding when cond holds, and returns cond like the kernel macro. */
  public boolean warnOn(boolean cond, String site, String check) {
    if (cond) {
      findings.add(new Finding(site, check));
    }
    return cond;
  }

  /** WARN_ON_ONCE(cond): reported once per site and check. */
  public boolean warnOnOnce(boolean cond, String site, String check) {
    if (cond && warnedOnce.putIfAbsent(site + check, true) == null) {
      findings.add(new Finding(site, check));
    }
    return cond;
  }

  /** A refcount misuse or use after free the kernel would report. */
  public void finding(String site, String check) {
    findings.add(new Finding(site, check));
  }

  public void note(String line) {
    notes.add(line);
  }

  // ---- setup ---------------------------------------------------------------------------------

  public UserThread addThread(String name, int uid, int gid) {
    UserThread t = new UserThread(name, uid, gid);
    threads.put(name, t);
    return t;
  }

  /**
   * mount(2) and INIT: process_init_reply() decides the features; then fuse_get_root_inode()
   * makes the root inode with nlookup 1.
   */
  @Mirrors(fn = "fuse_fill_super", file = "fs/fuse/inode.c",
      doc = "mount(2) and INIT (process_init_reply), then fuse_get_root_inode with nlookup 1.")
  public void mount(MountConfig m) {
    files.processInitReply(m);
    mounted = true;
    sbActive = true;
    if (m.noOpen) {
      server.policy(Opcode.OPEN, null, ReplySpec.error(Errno.ENOSYS));
    }
    if (m.noOpendir) {
      server.policy(Opcode.OPENDIR, null, ReplySpec.error(Errno.ENOSYS));
    }
    if (m.noFlush) {
      server.policy(Opcode.FLUSH, null, ReplySpec.error(Errno.ENOSYS));
    }
    root = new Dentry(null, "/");
    root.time = Reply.INF;
    root.dCount = 1;
    liveDentries.add(root);
    FuseInode ri = new FuseInode(nextSerial++, 1, 0, FuseAttr.of(lower.root).withIno(1));
    ri.nlookup = 1;
    ri.iCount = 1;
    ri.iTime = 0;
    inodeHash.put(1L, ri);
    allInodes.add(ri);
    root.inode = ri;
  }

  // ---- scheduling ----------------------------------------------------------------------------

  /** Starts a syscall on its thread and runs every runnable thread until none can move. */
  public void start(Syscall call) {
    UserThread t = call.thread;
    if (t.task != null) {
      throw new IllegalStateException(t.name + " is already in " + t.task.name() + "()");
    }
    t.task = call;
    runUntilQuiet();
  }

  /** Runs runnable syscalls, in thread-name order, until all are done or blocked. */
  public void runUntilQuiet() {
    boolean progress = true;
    for (int rounds = 0; progress; rounds++) {
      if (rounds > 10_000) {
        throw new IllegalStateException("scheduler did not settle: a syscall loops");
      }
      progress = false;
      for (UserThread t : threads.values()) {
        Syscall s = t.task;
        if (s == null || !s.runnable()) {
          continue;
        }
        s.clearWait();
        progress = true;
        if (s.run(this)) {
          t.task = null;
          t.lastResult = s.result;
          t.lastCall = s.name();
          if (s.ghostPrivs != null && !s.result.failed()) {
            recordPrivDrop(s);
          }
          if (s.posLocked != null) {
            s.posLocked.posLockOwner = null; // fdput_pos(): mutex_unlock(&file->f_pos_lock)
            wakeUp(new WaitQueue(s.posLocked, WaitQueue.Kind.F_POS_LOCK));
            s.posLocked = null;
          }
          if (s.pinned != null) {
            files.fput(s.pinned); // fdput() as the syscall returns
          }
        }
      }
    }
  }

  /** wake_up(q): every syscall sleeping on q re-checks its condition. */
  @Mirrors(fn = "wake_up", file = "kernel/sched/wait.c",
      doc = "Every syscall sleeping on the queue re-checks its condition.")
  public void wakeUp(WaitQueue q) {
    for (UserThread t : threads.values()) {
      if (t.task != null && q.equals(t.task.sleepOn)) {
        t.task.woken = true;
      }
    }
  }

  // ---- server and environment steps ----------------------------------------------------------

  /** {@code server reply T OP}: answers T's oldest pending request of that opcode. */
  public Request serverReply(String thread, Opcode op, ReplySpec spec) {
    Request r = server.pendingOf(thread, op);
    if (r == null) {
      return null;
    }
    server.reply(r, spec);
    runUntilQuiet();
    return r;
  }

  public void tick(long ns) {
    now += ns;
  }

  /** The daemon dies: the connection is aborted and blocked syscalls fail. */
  @Mirrors(fn = "fuse_dev_release", file = "fs/fuse/dev.c",
      doc = "The daemon's /dev/fuse fd closes: the connection is aborted and blocked syscalls "
          + "fail.")
  public void crash() {
    server.crash();
    runUntilQuiet();
  }

  // ---- dcache --------------------------------------------------------------------------------

  /** d_lookup(): the hashed child dentry, or null. */
  @Mirrors(fn = "d_lookup", file = "fs/dcache.c",
      doc = "The hashed child dentry, or null.")
  public Dentry dLookup(Dentry parent, String name) {
    return parent.children.get(name);
  }

  /** The cached dentry for a path, without lookups; null if any component is not cached. */
  public Dentry dcacheWalk(String path) {
    Dentry d = root;
    for (String c : Lower.components(path)) {
      d = d == null ? null : d.children.get(c);
    }
    return d;
  }

  /** d_alloc_parallel(): a new in-lookup dentry, hashed in its parent. */
  @Mirrors(fn = "d_alloc_parallel", file = "fs/dcache.c",
      doc = "A new in-lookup dentry, hashed in its parent.")
  public Dentry dAllocParallel(Dentry parent, String name, String thread) {
    Dentry d = new Dentry(parent, name);
    d.inLookupBy = thread;
    d.dCount = 1;
    parent.children.put(name, d);
    parent.liveChildren++;
    liveDentries.add(d);
    return d;
  }

  /** d_lookup_done(): wakes the walkers waiting for this lookup. */
  @Mirrors(fn = "d_lookup_done", file = "fs/dcache.c",
      doc = "Wake the walkers waiting for this lookup.")
  public void dLookupDone(Dentry d) {
    d.inLookupBy = null;
    wakeUp(new WaitQueue(d, WaitQueue.Kind.IN_LOOKUP));
  }

  /**
   * d_invalidate(): unhash the dentry and shrink_dcache_parent() its subtree: unused children
   * die, children in use stay (hashed under the now unhashed parent, which they pin). The
   * dentry itself dies now if unused, else at its last dput.
   */
  @Mirrors(fn = "d_invalidate", file = "fs/dcache.c",
      doc = "Unhash and shrink the subtree: unused children die, children in use stay.")
  public void dInvalidate(Dentry d) {
    if (d.parent != null && d.parent.children.get(d.name) == d) {
      d.parent.children.remove(d.name);
    }
    d.hashed = false;
    shrinkParent(d);
    if (d.dCount == 0 && d.liveChildren == 0) {
      dKill(d);
    }
  }

  /** shrink_dcache_parent(): kills the unused dentries below {@code d}, leaves first. */
  @Mirrors(fn = "shrink_dcache_parent", file = "fs/dcache.c",
      doc = "Kill the unused dentries below d, leaves first.")
  private void shrinkParent(Dentry d) {
    for (Dentry c : new ArrayList<>(d.children.values())) {
      shrinkParent(c);
      if (c.dCount == 0 && c.liveChildren == 0 && c.inLookupBy == null) {
        dKill(c);
      }
    }
  }

  /** dput(). */
  @Mirrors(fn = "dput", file = "fs/dcache.c",
      doc = "Drop a dentry reference; an unhashed unused dentry dies.")
  public void dput(Dentry d) {
    if (d.dCount <= 0) {
      finding("fs/dcache.c:dput", "dput on a dentry with d_count 0");
      return;
    }
    if (--d.dCount == 0 && !d.hashed && d.liveChildren == 0) {
      dKill(d);
    }
  }

  /** dentry_kill(): drops the inode reference of a dead dentry. */
  @Mirrors(fn = "dentry_kill", file = "fs/dcache.c",
      doc = "A dead dentry drops its inode reference (iput) and its parent's.")
  void dKill(Dentry d) {
    if (d.killed) {
      return;
    }
    d.killed = true;
    d.hashed = false;
    liveDentries.remove(d);
    FuseInode fi = d.inode;
    d.inode = null;
    if (fi != null) {
      inodes.iput(fi);
    }
    Dentry p = d.parent;
    if (p != null) {
      if (p.children.get(d.name) == d) {
        p.children.remove(d.name);
      }
      p.liveChildren--; // the d_parent reference goes: an unhashed, unused parent dies too
      if (!p.hashed && p.dCount == 0 && p.liveChildren == 0) {
        dKill(p);
      }
    }
  }

  /**
   * {@code evict PATH}: FUSE_NOTIFY_PRUNE of the nodeid the daemon last gave for the path
   * (fuse_notify_prune() → fuse_ilookup(), fs/fuse/dev.c; {@link Server#notifyNodeid}: the
   * daemon names an inode, not a dentry, so a path whose dentry died still names its inode while
   * another alias keeps it; seen on 6.18.44), then d_prune_aliases() on that inode: its unused
   * dentries are dropped, and the inode is evicted (FORGET) once nothing else holds it. They go
   * through shrink_dentry_list() → shrink_kill() (fs/dcache.c): when __dentry_kill() drops the
   * last reference of the parent, shrink_kill() kills the parent too, with no retain_dentry()
   * check (unlike dput()), and so on up to the root: pruning /d/e also evicts an unused /d (seen
   * on 6.18.44: FORGET(20,1) FORGET(21,1)).
   */
  @Mirrors(fn = "d_prune_aliases", file = "fs/dcache.c",
      doc = "FUSE_NOTIFY_PRUNE: unused aliases are dropped, the inode evicted once nothing holds "
          + "it.")
  public void evict(String path) {
    FuseInode fi = fuseIlookup(server.notifyNodeid(path));
    if (fi == null) {
      return; // fuse_notify_prune(): an unknown nodeid is skipped
    }
    for (Dentry alias : new ArrayList<>(liveDentries)) {
      if (alias.inode != fi) {
        continue;
      }
      if (alias != root && alias.dCount == 0 && alias.liveChildren == 0 && alias.inLookupBy == null) {
        Dentry parent = alias.parent;
        dKill(alias);
        // shrink_kill(): the parent whose count dropped to 0 is killed in turn
        while (parent != null && parent != root && !parent.killed && parent.dCount == 0
            && parent.liveChildren == 0 && parent.inLookupBy == null) {
          Dentry up = parent.parent;
          dKill(parent);
          parent = up;
        }
      }
    }
  }

  /**
   * fuse_ilookup(): the hashed inode with this nodeid (ilookup5 on the inode hash), or null. The
   * daemon names inodes by nodeid in notifications, so the inode found is the one the nodeid
   * names now (after a nodeid was reused, the new one), whatever dentry the path had.
   */
  @Mirrors(fn = "fuse_ilookup", file = "fs/fuse/inode.c",
      doc = "The hashed inode for a nodeid, as notifications find it; null if none.")
  public FuseInode fuseIlookup(Long nodeid) {
    return nodeid == null ? null : inodeHash.get(nodeid);
  }

  /** {@code drop_caches} (echo 2): prunes every unused dentry, leaves first, until none is left. */
  @Mirrors(fn = "shrink_dcache_sb", file = "fs/drop_caches.c",
      doc = "echo 2 > drop_caches: every unused dentry is pruned, leaves first.")
  public void dropCaches() {
    boolean pruned = true;
    while (pruned) {
      pruned = false;
      for (Dentry d : new ArrayList<>(liveDentries)) {
        if (!d.killed && d != root && d.dCount == 0 && d.liveChildren == 0 && d.inLookupBy == null) {
          dKill(d);
          pruned = true;
        }
      }
    }
  }

  /**
   * umount(2) of a mount with nothing open: fuse_kill_sb_anon() → fuse_conn_destroy() aborts the
   * connection (no DESTROY for plain fuse), the dcache is shrunk and every inode evicted without
   * FORGET, and fuse_conn_put() frees the backing ids. Returns false (EBUSY) if files or
   * page-cache mappings are still open.
   */
  @Mirrors(fn = "fuse_kill_sb_anon", file = "fs/fuse/inode.c",
      doc = "umount: abort the connection, kill every dentry, evict inodes without FORGET, free "
          + "backing ids; EBUSY if files are open.")
  public boolean umount() {
    if (!fds.isEmpty() || vmas.values().stream().anyMatch(v -> v.backing == null)) {
      return false; // passthrough mappings map the backing file and do not pin the mount
    }
    dev.abortConn();
    runUntilQuiet();
    sbActive = false;
    // shrink_dcache_for_umount(): every dentry dies, hashed or not, children before parents
    while (!liveDentries.isEmpty()) {
      for (Dentry d : new ArrayList<>(liveDentries)) {
        if (d.liveChildren == 0) {
          d.dCount = 0;
          dKill(d);
        }
      }
    }
    for (FuseInode fi : new ArrayList<>(allInodes)) {
      if (!fi.evicted && fi.iCount == 0) {
        inodes.fuseEvictInode(fi);
      }
    }
    backing.fuseBackingFilesFree();
    unmounted = true;
    return true;
  }

  // ---- fd table ------------------------------------------------------------------------------

  /** The lowest free fd, from 3 (0-2 are the standard streams). */
  public int installFd(KFile f) {
    int fd = reserveFd();
    return installFd(fd, f);
  }

  /**
   * get_unused_fd_flags(): the lowest number neither open nor reserved by a call in flight. An
   * open reserves its fd when it starts (do_sys_openat2), so of two opens in flight the first
   * started gets the lower number, whichever returns first (get_unused_fd_flags, then do_filp_open,
   * then fd_install).
   */
  @Mirrors(fn = "get_unused_fd_flags", file = "fs/file.c",
      doc = "An open reserves the lowest free fd when it starts, before the FUSE requests.")
  public int reserveFd() {
    int fd = 3;
    while (fds.containsKey(fd) || reservedFds.contains(fd)) {
      fd++;
    }
    reservedFds.add(fd);
    return fd;
  }

  /** fd_install() of a reserved number. */
  @Mirrors(fn = "fd_install", file = "fs/file.c", doc = "A successful open installs its file at the reserved fd.")
  public int installFd(int fd, KFile f) {
    reservedFds.remove(fd);
    fds.put(fd, f);
    return fd;
  }

  /** put_unused_fd(): a failed open gives its reserved number back. */
  @Mirrors(fn = "put_unused_fd", file = "fs/file.c", doc = "A failed open gives its reserved fd back.")
  public void unreserveFd(int fd) {
    reservedFds.remove(fd);
  }

  public String newVmaName() {
    return "m" + nextVma++;
  }

  /** Ghost for SUID-SGID-DROP: the mode a successful write-like call left. */
  private void recordPrivDrop(Syscall s) {
    FuseInode fi = s.ghostPrivs;
    boolean pt = sem.has(19) && inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_SETATTR);
    int mode = pt ? fi.fb.file.mode : fi.attr.mode();
    int gid = pt ? fi.fb.file.gid : fi.attr.gid();
    fi.ghostPrivDrop = new FuseInode.PrivDrop(s.name(), s.thread.uid, s.thread.gid,
        s.thread.capable(), pt, mode & 07777, gid);
  }
}
