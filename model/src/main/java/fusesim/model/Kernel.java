package fusesim.model;

import fusesim.model.fuse.Backing;
import fusesim.model.fuse.Dev;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.File;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseConn;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Inode;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Passthrough;
import fusesim.model.fuse.Readdir;
import fusesim.model.fuse.Request;
import fusesim.model.series.InodePassthrough;
import fusesim.model.series.Semantics;
import fusesim.model.vfs.Dcache;
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.Fdtable;
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
  public final Readdir readdir = new Readdir(this);
  public final File files = new File(this);
  public final Dcache dcache = new Dcache(this);
  public final Fdtable fdtable = new Fdtable(this);
  /** fs/inode.c (iput); {@link #inodes} is fs/fuse/inode.c. */
  public final fusesim.model.vfs.Inode icache = new fusesim.model.vfs.Inode(this);

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
  /**
   * Ghost (READ-RESULT, COHERENCE): the read(2)/pread(2) that returned in the current step (null
   * if none); cleared when a step starts (StepRunner.execute), not part of the explored state.
   */
  public fusesim.model.fuse.ReadGhost ghostRead;
  /**
   * Ghost (PT-WRITE-RESULT): the passthrough write(2)/pwrite(2) that returned in the current step
   * (null if none); cleared when a step starts (StepRunner.execute), not part of the explored state.
   */
  public fusesim.model.fuse.WriteGhost ghostWrite;
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

  // ---- scheduling ----------------------------------------------------------------------------

  /** Starts a syscall on its thread and runs every runnable thread until none can move. */
  public void start(Syscall call) {
    UserThread t = call.thread;
    if (t.task != null) {
      throw new IllegalStateException(t.name + " is already in " + t.task.name() + "()");
    }
    if (fc.defaultPermissions) {
      fusesim.model.vfs.SyscallTable.checkDefaultPermissions(call.name());
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
            fdtable.fput(s.pinned); // fdput() as the syscall returns
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
  /** The result of the daemon's last {@link #serverReply} write(): 0 or -errno. */
  public int lastReplyWrite;

  public Request serverReply(String thread, Opcode op, ReplySpec spec) {
    Request r = server.pendingOf(thread, op);
    if (r == null) {
      return null;
    }
    lastReplyWrite = server.reply(r, spec);
    runUntilQuiet();
    return r;
  }

  public void tick(long ns) {
    now += ns;
  }

  // ---- dcache --------------------------------------------------------------------------------

  // ---- fd table ------------------------------------------------------------------------------

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

  /** The mount step (mount(2) and INIT): {@link Inode#fuseFillSuper}. */
  public void mount(MountConfig m) {
    inodes.fuseFillSuper(m);
  }

  /** The daemon dies: {@link Dev#fuseDevRelease}. */
  public void crash() {
    dev.fuseDevRelease();
  }

  /**
   * {@code evict PATH}: FUSE_NOTIFY_PRUNE of the nodeid the daemon last gave for the path
   * (fuse_notify_prune() → fuse_ilookup(), fs/fuse/dev.c; {@link Server#notifyNodeid}: the daemon
   * names an inode, not a dentry), then {@link Dcache#dPruneAliases} on that inode.
   */
  public void evict(String path) {
    FuseInode fi = inodes.fuseIlookup(server.notifyNodeid(path));
    if (fi == null) {
      return; // fuse_notify_prune(): an unknown nodeid is skipped
    }
    dcache.dPruneAliases(fi);
  }

  /** {@code drop_caches} (echo 2): {@link Dcache#shrinkDcacheSb}. */
  public void dropCaches() {
    dcache.shrinkDcacheSb();
  }

  /** The umount step: {@link Inode#fuseKillSbAnon}; false (EBUSY) if files or mappings are open. */
  public boolean umount() {
    return inodes.fuseKillSbAnon();
  }
}
