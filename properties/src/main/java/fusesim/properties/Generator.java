package fusesim.properties;

import fusesim.model.Kernel;
import fusesim.model.UserThread;
import fusesim.model.fuse.Request;
import fusesim.model.vfs.KFile;
import fusesim.properties.Profile.Action;
import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.StepRunner;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates one action sequence from a seed and runs it as it goes. Every action is a trace
 * statement, executed at once through the trace step runner, with every invariant checked after
 * it; generation stops at the first violation. The generator reads the model's state (open fds,
 * mappings, blocked threads, held requests) to choose statements that mean something, so it never
 * emits a statement the step runner rejects: such a rejection is a generator bug and is thrown.
 *
 * <p>A drawn call is stated {@code = ?}; one that blocks is accepted by the session as blocked and
 * recorded as its {@code <unfinished ...>} line ({@link Session#step}); when a blocked call returns,
 * its {@code <... resumed>} line follows at once.
 */
public final class Generator {
  /** A generated run: its statements (up to the violation, if any) and the steps executed. */
  public record Run(List<Stmt> stmts, Session.Violation violation, int steps, String modelError) {}

  /** Thrown inside when the model itself fails (an exception that is not a trace error). */
  private static final class ModelFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ModelFailure(RuntimeException cause) {
      super(cause.toString(), cause);
    }
  }

  /** The lower files the syscalls use; /b is a hard link to /a. */
  static final List<String> FILES = List.of("/a", "/b", "/c", "/d/e");
  /** Canonical paths of the inodes (the server names a hard-linked inode by its first name). */
  static final List<String> INODES = List.of("/a", "/c", "/d/e");
  static final List<String> LOOKUP_PATHS = List.of("/a", "/b", "/c", "/d", "/d/e");
  static final List<Long> INOS = List.of(10L, 11L, 20L, 21L, 99L);
  private static final List<ServerOp> HOLDABLE = List.of(ServerOp.LOOKUP, ServerOp.OPEN,
      ServerOp.WRITE, ServerOp.WRITE, ServerOp.READ, ServerOp.GETATTR, ServerOp.FLUSH, ServerOp.SETATTR);

  private static final boolean DEBUG = System.getenv("FUSESIM_GEN_DEBUG") != null;
  final Setup setup;
  final Profile profile;
  final SplittableRandom rnd;
  final boolean wellBehaved;
  final ServerDraws draws = new ServerDraws(this);
  private final EntryMoves entries = new EntryMoves(this);
  private final int totalWeight;

  private final List<Stmt> out = new ArrayList<>();
  private Session s;
  private Session.Violation violation;
  /** Backing ids the well-behaved server registered, by lower path. */
  final Map<String, Long> ids = new TreeMap<>();
  private final List<Stmt> holds = new ArrayList<>();
  private boolean crashed;
  private long nextIno = 30;
  private long lowerWrites;
  /**
   * The series (v2 01/21): the mount negotiates FUSE_PASSTHROUGH_INO; the well-behaved server then
   * acts like the v2 passthrough_hp (SEEN-libfuse): a lifetime backing per regular file (ops
   * read,write,getattr,setattr) named in every entry reply, passthrough opens with that id or 0,
   * a READDIR backing for the directory.
   */
  boolean ino;
  /** The mount has default_permissions (drawn when the profile allows it). */
  boolean defaultPermissions;
  /** Lifetime backing ids by canonical path (/b is /a). */
  final Map<String, Long> lifetime = new TreeMap<>();

  public Generator(Setup setup, Profile profile, long seed) {
    this.setup = setup;
    this.profile = profile;
    this.rnd = new SplittableRandom(seed);
    this.wellBehaved = setup.mode() == ServerMode.WELL_BEHAVED;
    int t = 0;
    for (int w : profile.weights.values()) {
      t += w;
    }
    this.totalWeight = t;
  }

  /** Generates and runs one sequence. */
  public Run generate() {
    s = new Session(setup);
    try {
      body();
    } catch (ModelFailure e) {
      return new Run(List.copyOf(out), null, s.steps(), e.getMessage());
    }
    return new Run(List.copyOf(out), violation, s.steps(), null);
  }

  private void body() {
    new GeneratedWorld(this).build();
    int n = profile.minActions + rnd.nextInt(profile.maxActions - profile.minActions + 1);
    for (int i = 0; i < n && violation == null; i++) {
      for (int tries = 0; tries < 8 && violation == null; tries++) {
        if (act(draw())) {
          break;
        }
      }
    }
    if (violation == null) {
      finish();
    }
  }

  // ---- emission ------------------------------------------------------------------------------

  void emit(Stmt st) {
    if (violation != null) {
      return;
    }
    StepRunner.Step step;
    try {
      step = s.step(st); // a drawn call (= ?) that blocks comes back as its <unfinished ...> line
    } catch (TraceError e) {
      throw new IllegalStateException("generator bug: " + e.getMessage() + " after\n" + listing(), e);
    } catch (RuntimeException e) {
      out.add(st);
      throw new ModelFailure(e);
    }
    Observation o = step.observation();
    if (!o.met()) {
      throw new IllegalStateException("generator bug: " + o.verdict() + " in " + text(st) + " after\n" + listing());
    }
    out.add(step.stmt());
    violation = s.check(out.size() - 1);
    if (DEBUG) {
      StringBuilder sb = new StringBuilder();
      for (UserThread u : s.kernel().threads.values()) {
        sb.append(u.name).append(u.task == null ? "- " : "+" + u.task.name() + " ");
      }
      System.err.println(text(out.get(out.size() - 1)) + "   => " + o.result() + " [" + sb + "] " + s.inFlight().keySet());
    }
    if (violation == null) {
      resumeFinished();
    }
  }

  /** A blocked call that returned gets its {@code <... resumed>} line at once, as strace shows it. */
  private void resumeFinished() {
    // the driver's record (its backend says which calls returned); copy: emitting the resumed
    // line removes the call from it
    for (String t : new ArrayList<>(s.returnedInFlight())) {
      if (violation == null && s.returnedInFlight().contains(t)) {
        emit(Ast.resumed(t, s.inFlight().get(t).syscall()));
      }
    }
  }

  /** Whether a call in flight has {@code fd} as its fd argument (a call in flight pins its file). */
  private boolean busy(long fd) {
    for (Stmt.Unfinished u : s.inFlight().values()) {
      if (!u.args().isEmpty() && u.syscall().args().get(0) == fusesim.traces.lang.ArgKind.FD
          && ((fusesim.traces.lang.Value.Int) u.args().get(0)).value() == fd) {
        return true;
      }
    }
    return false;
  }

  private String listing() {
    StringBuilder sb = new StringBuilder();
    for (Stmt st : out) {
      sb.append(text(st)).append('\n');
    }
    return sb.toString();
  }

  private static String text(Stmt st) {
    return fusesim.traces.lang.TracePrinter.print(st);
  }

  // ---- the world -----------------------------------------------------------------------------

  void backingOpen(String path) {
    backingOpen(path, List.of());
  }

  /** {@code server backing_open PATH [ops=...]}; returns the new id or -1. */
  long backingOpen(String path, List<String> ops) {
    java.util.Set<Integer> before = new java.util.HashSet<>(s.kernel().fc.backingFilesMap.keySet());
    emit(ops.isEmpty() ? Ast.backingOpen(path) : Ast.backingOpenOps(path,
        Ast.flags(Catalog.BACKING_OPS, ops)));
    if (violation != null) {
      return -1;
    }
    long id = -1;
    for (Integer key : s.kernel().fc.backingFilesMap.keySet()) {
      if (!before.contains(key)) {
        id = key; // the id this BACKING_OPEN registered
      }
    }
    if (id > 0 && ops.isEmpty()) {
      ids.put(path, id); // an open-time backing, named by the open policies
    }
    return id;
  }

  // ---- the series ----------------------------------------------------------------------------

  static final List<String> LIFETIME_OPS = List.of("read", "write", "getattr", "setattr");
  static final List<String> ANY_OPS =
      List.of("read", "write", "getattr", "setattr", "readdir", "open", "statx");

  // ---- drawing -------------------------------------------------------------------------------

  private Action draw() {
    int r = rnd.nextInt(totalWeight);
    for (Map.Entry<Action, Integer> e : profile.weights.entrySet()) {
      r -= e.getValue();
      if (r < 0) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("weights");
  }

  <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  boolean chance(int percent) {
    return rnd.nextInt(100) < percent;
  }

  /** The model as the session has it now (what a draw reads). */
  Kernel kernel() {
    return s.kernel();
  }

  private String idleThread() {
    List<String> idle = new ArrayList<>();
    for (int i = 1; i <= profile.threads; i++) {
      String t = "T" + i;
      if (!s.inFlight().containsKey(t)) { // the driver's record: a blocked call is in flight
        idle.add(t);
      }
    }
    if (idle.isEmpty()) {
      return null;
    }
    // T1 most often: fewer threads make shorter stories
    return chance(50) ? idle.get(0) : pick(idle);
  }

  private List<Integer> fds(boolean dirs) {
    List<Integer> r = new ArrayList<>();
    for (Map.Entry<Integer, KFile> e : s.kernel().fds.entrySet()) {
      if (e.getValue().ff.isDir == dirs) {
        r.add(e.getKey());
      }
    }
    return r;
  }

  private boolean act(Action a) {
    String t;
    switch (a) {
      case OPEN:
        return (t = idleThread()) != null && open(t);
      case OPEN_DIR:
        return (t = idleThread()) != null
            && call(t, Syscall.OPEN, Ast.str("/d"), Ast.flags(Catalog.OPEN_FLAGS, "O_RDONLY", "O_DIRECTORY"));
      case CLOSE:
        return (t = idleThread()) != null && withFd(t, false, true, fd -> Ast.call(t2(), Syscall.CLOSE, Ast.num(fd)));
      case READ:
        return (t = idleThread()) != null && withFd(t, false, false, fd -> chance(50)
            ? Ast.call(t2(), Syscall.READ, Ast.num(fd), Ast.num(4096))
            : Ast.call(t2(), Syscall.PREAD, Ast.num(fd), Ast.num(4096), Ast.num(chance(50) ? 0 : 4096)));
      case WRITE:
        return (t = idleThread()) != null && withFd(t, false, false, fd -> chance(50)
            ? Ast.call(t2(), Syscall.WRITE, Ast.num(fd), Ast.num(chance(50) ? 1 : 4096))
            : Ast.call(t2(), Syscall.PWRITE, Ast.num(fd), Ast.num(4096), Ast.num(chance(70) ? 0 : 4096)));
      case MMAP:
        return (t = idleThread()) != null && withFd(t, false, false, fd -> Ast.call(t2(), Syscall.MMAP,
            Ast.num(fd), chance(60) ? Ast.flags(Catalog.PROT, "PROT_READ")
                : Ast.flags(Catalog.PROT, "PROT_READ", "PROT_WRITE"),
            Ast.flags(Catalog.MAP_FLAGS, chance(75) ? "MAP_SHARED" : "MAP_PRIVATE")));
      case MUNMAP:
        return (t = idleThread()) != null && withMap(t, m -> Ast.call(t2(), Syscall.MUNMAP, fusesim.traces.lang.Value.Sym.of(m)));
      case MACCESS:
        return (t = idleThread()) != null && withMap(t, m -> chance(60)
            ? Ast.call(t2(), Syscall.MREAD, fusesim.traces.lang.Value.Sym.of(m), Ast.num(0), Ast.num(4096))
            : Ast.call(t2(), Syscall.MWRITE, fusesim.traces.lang.Value.Sym.of(m), Ast.num(0), Ast.num(1)));
      case STAT:
        if ((t = idleThread()) == null) {
          return false;
        }
        if (chance(30) && !fds(false).isEmpty()) {
          return withFd(t, false, false, fd -> Ast.call(t2(), Syscall.FSTAT, Ast.num(fd)));
        }
        return call(t, Syscall.STAT, Ast.str(pick(LOOKUP_PATHS)));
      case SETATTR:
        if ((t = idleThread()) == null) {
          return false;
        }
        int kind = rnd.nextInt(3);
        if (kind == 2 && defaultPermissions) {
          kind = 0; // chown's setattr_prepare() without ATTR_FORCE is not modelled (NotModelled)
        }
        switch (kind) {
          case 0:
            return call(t, Syscall.TRUNCATE, Ast.str(pick(FILES)), Ast.num(chance(50) ? 0 : 4096));
          case 1:
            return withFd(t, false, false, fd -> Ast.call(t2(), Syscall.FTRUNCATE, Ast.num(fd), Ast.num(0)));
          default:
            return call(t, Syscall.CHOWN, Ast.str(pick(FILES)), Ast.num(0), Ast.num(0));
        }
      case FALLOCATE:
        return (t = idleThread()) != null && withFd(t, false, false, fd -> Ast.call(t2(), Syscall.FALLOCATE,
            Ast.num(fd), chance(50) ? Ast.flags(Catalog.FALLOC_MODE, "FALLOC_FL_KEEP_SIZE") : Ast.num(0),
            Ast.num(0), Ast.num(4096)));
      case GETDENTS:
        return (t = idleThread()) != null && withFd(t, true, false, fd -> Ast.call(t2(), Syscall.GETDENTS, Ast.num(fd)));
      case POLICY_OPEN: {
        String p = pick(INODES);
        return emitted(Ast.policy(ServerOp.OPEN, p, draws.openPolicy(p)));
      }
      case POLICY_LOOKUP:
        return emitted(draws.lookupPolicy());
      case POLICY_OTHER:
        return emitted(draws.otherPolicy());
      case HOLD:
        return hold();
      case UNHOLD:
        if (holds.isEmpty()) {
          return false;
        }
        Stmt.ServerHold h = (Stmt.ServerHold) holds.remove(rnd.nextInt(holds.size()));
        return emitted(Ast.unhold(h.op(), h.path().map(w -> w.text()).orElse(null)));
      case REPLY:
        return reply();
      case BACKING_OPEN:
        if (crashed) {
          return false;
        }
        if (!wellBehaved && chance(30)) {
          return emitted(badBackingOpen());
        }
        backingOpen(chance(50) ? "/a" : "/c");
        return true;
      case BACKING_CLOSE:
        return backingClose();
      case TICK:
        return emitted(Ast.tick(chance(70) ? 2 : 1));
      case EVICT:
        return emitted(Ast.evict(pick(LOOKUP_PATHS)));
      case DROP_CACHES:
        return emitted(Ast.dropCaches());
      case REPLACE_LOWER:
        if (ino) {
          // In place, the model's backing files would change inode number under their fb; a real
          // backing file keeps its ino. The series' ino-reuse story needs a new file (not modelled).
          return false;
        }
        return emitted(Ast.lowerSet(pick(List.of("/a", "/c", "/d/e")), List.of(Ast.item("ino", Ast.num(nextIno++)))));
      case LOWER_WRITE:
        return lowerWrite();
      case NOTIFY:
        if (!s.inFlight().isEmpty()) {
          // Not modelled: d_invalidate while a walk is in flight takes the dentry off its parent's
          // children (the kernel keeps it in d_subdirs), so umount misses what is created below
          // it (NO-LEAK on mainline). Notifications are sent only while no call is in flight.
          return false;
        }
        return emitted(new Stmt.ServerNotify(Ast.P, chance(50) ? Stmt.NotifyKind.INVAL_ENTRY
            : Stmt.NotifyKind.INVAL_INODE, fusesim.traces.lang.Word.of(pick(LOOKUP_PATHS))));
      case CRASH:
        if (crashed || chance(70)) {
          return false;
        }
        crashed = true;
        return emitted(Ast.crash());
      case MKNOD:
        return (t = idleThread()) != null && entries.mknod(t);
      case SYMLINK:
        return (t = idleThread()) != null && entries.symlink(t);
      case LINK: // may_linkat()'s permission check on a default_permissions mount: NotModelled
        return !defaultPermissions && (t = idleThread()) != null && entries.link(t);
      case READLINK:
        return (t = idleThread()) != null
            && call(t, Syscall.READLINK, Ast.str(pick(chance(70) ? EntryMoves.SYMLINKS : FILES)));
      case SYNC: // do_fsync(fd, datasync) → fuse_fsync_common(): FSYNC or FSYNCDIR, fsync_flags
        return (t = idleThread()) != null && withFd(t, false, true, fd -> Ast.call(t2(),
            chance(50) ? Syscall.FSYNC : Syscall.FDATASYNC, Ast.num(fd)));
      case VECTOR: // do_preadv/do_pwritev → read_iter/write_iter with the iovecs' summed length
        return (t = idleThread()) != null && withFd(t, false, false, fd -> Ast.call(t2(),
            chance(50) ? Syscall.PREADV : Syscall.PWRITEV, Ast.num(fd), iov(), Ast.num(chance(50) ? 0 : 4094)));
      case UTIMES: // vfs_utimes → fuse_setattr: SETATTR with FATTR_ATIME/MTIME(_NOW)
        if ((t = idleThread()) == null) {
          return false;
        }
        if (chance(40) && !fds(false).isEmpty()) {
          return withFd(t, false, false, fd -> Ast.call(t2(), Syscall.FUTIMENS, Ast.num(fd), times()));
        }
        return call(t, Syscall.UTIMENSAT, Ast.str(pick(FILES)), times(), Ast.num(0));
      default:
        throw new IllegalStateException(a.toString());
    }
  }

  /** Two iovecs, 0..4096 bytes each (a zero total returns 0 with no request). */
  private fusesim.traces.lang.Value.Iov iov() {
    List<Long> lens = List.of(pick(List.of(0L, 1L, 3L, 4096L)), pick(List.of(0L, 2L, 4096L)));
    return new fusesim.traces.lang.Value.Iov(Ast.P, lens);
  }

  /** NULL, or each time UTIME_NOW, UTIME_OMIT or a given one ({tv_sec=5, tv_nsec=0}). */
  private fusesim.traces.lang.Value.Times times() {
    if (chance(25)) {
      return new fusesim.traces.lang.Value.Times(Ast.P, null, null);
    }
    return new fusesim.traces.lang.Value.Times(Ast.P, timespec(), timespec());
  }

  private fusesim.traces.lang.Value.Times.Spec timespec() {
    fusesim.traces.lang.Value.Times.Spec.Kind kind =
        fusesim.traces.lang.Value.Times.Spec.Kind.values()[rnd.nextInt(3)];
    boolean set = kind == fusesim.traces.lang.Value.Times.Spec.Kind.SET;
    return new fusesim.traces.lang.Value.Times.Spec(kind, set ? 5 : 0, 0);
  }

  /** The thread chosen last by idleThread (for the lambdas above). */
  private String lastThread;

  private String t2() {
    return lastThread;
  }

  /**
   * An outside writer (pwrite(2) on the lower file, beside the mount): digits that name the
   * write ('0' + n % 10 for the n-th), so a read shows whose bytes it returned; at the start,
   * inside a page or across the first page's end, growing the file or not.
   */
  private boolean lowerWrite() {
    String path = pick(List.of("/a", "/c", "/d/e"));
    fusesim.model.Lower.Node n = s.kernel().lower.resolve(path);
    if (n == null || !n.isReg()) {
      return false;
    }
    char mark = (char) ('0' + lowerWrites++ % 10);
    long len = 1 + rnd.nextInt(8);
    long off = pick(List.of(0L, 1L, 4093L, 4096L));
    return emitted(Ast.lowerWrite(path, off, String.valueOf(mark).repeat((int) len)));
  }

  private boolean emitted(Stmt st) {
    emit(st);
    return true;
  }

  boolean call(String t, Syscall sc, fusesim.traces.lang.Value... args) {
    emit(Ast.call(t, sc, args));
    return true;
  }

  private boolean withFd(String t, boolean dirs, boolean any, java.util.function.LongFunction<Stmt> f) {
    List<Integer> fds = any ? new ArrayList<>(s.kernel().fds.keySet()) : fds(dirs);
    if (any) {
      // Not modelled: close() while another thread's call on the fd is in flight releases the
      // file at once (the kernel's fdget keeps it until the call returns); leave such closes out.
      fds.removeIf(fd -> busy(fd));
    }
    if (fds.isEmpty()) {
      return false;
    }
    lastThread = t;
    emit(f.apply(pick(fds)));
    return true;
  }

  private boolean withMap(String t, java.util.function.Function<String, Stmt> f) {
    List<String> maps = new ArrayList<>(s.kernel().vmas.keySet());
    if (maps.isEmpty()) {
      return false;
    }
    lastThread = t;
    emit(f.apply(pick(maps)));
    return true;
  }

  private boolean open(String t) {
    List<String> flags = new ArrayList<>();
    int acc = rnd.nextInt(6);
    flags.add(acc < 2 ? "O_RDONLY" : acc < 3 ? "O_WRONLY" : "O_RDWR");
    if (chance(10)) {
      flags.add("O_DIRECT");
    }
    if (chance(5)) {
      flags.add("O_TRUNC");
    }
    if (!wellBehaved && chance(4)) {
      flags.add("O_CREAT");
      emit(Ast.call(t, Syscall.OPEN, Ast.str("/n" + rnd.nextInt(2)), Ast.flags(Catalog.OPEN_FLAGS, flags),
          fusesim.traces.lang.Value.Int.octal(0644)));
      return true;
    }
    return call(t, Syscall.OPEN, Ast.str(pick(FILES)), Ast.flags(Catalog.OPEN_FLAGS, flags));
  }

  // ---- server --------------------------------------------------------------------------------

  private boolean hold() {
    ServerOp op = pick(HOLDABLE);
    String path = chance(50) ? null : op == ServerOp.LOOKUP ? pick(LOOKUP_PATHS) : pick(INODES);
    Stmt h = Ast.hold(op, path);
    holds.add(h);
    return emitted(h);
  }

  /** Held requests that a thread waits for, oldest first. */
  private List<Request> held() {
    List<Request> r = new ArrayList<>();
    Kernel k = s.kernel();
    for (UserThread t : k.threads.values()) {
      if (t.task != null && t.task.waitReq != null && !t.task.waitReq.answered()
          && t.task.waitReq.state == Request.State.HELD) {
        r.add(t.task.waitReq);
      }
    }
    return r;
  }

  private boolean reply() {
    List<Request> held = held();
    if (held.isEmpty()) {
      return false;
    }
    Request r = pick(held);
    ServerOp op = ServerOp.valueOf(r.opcode.name());
    ReplyClause explicit = null;
    if (!wellBehaved && chance(20)) {
      explicit = r.opcode == fusesim.model.Opcode.OPEN ? draws.openPolicy(r.path == null ? "/a" : r.path)
          : Ast.fails("EIO");
    }
    return emitted(Ast.reply(r.thread, op, explicit));
  }

  /**
   * An arbitrary server's BACKING_OPEN that one check of fuse_backing_open() (fs/fuse/backing.c)
   * refuses, so BACKING-IOCTL judges each check's errno and order: a bad fd (EBADF), map->flags
   * (EINVAL), map->padding (EINVAL; mainline only: from v2 02/21 it is the ops_mask), a directory
   * (EISDIR), a file on the FUSE mount itself (ELOOP); on a mount without passthrough, EPERM first.
   * The server opens a file on its mount itself (traces' ServerOwnOpen), which would wait for a held
   * request or a call in flight: then the bad fd instead (the same draws, so a seed's sequence is
   * otherwise the one it was).
   */
  private Stmt badBackingOpen() {
    List<String> kinds = new ArrayList<>(List.of("fd", "flags", "dir", "mount"));
    if (!setup.semantics().has(2)) {
      kinds.add("padding");
    }
    switch (pick(kinds)) {
      case "flags":
        return Ast.backingOpenWith("/a", "flags", 1);
      case "padding":
        return Ast.backingOpenWith("/c", "padding", 1);
      case "dir":
        return Ast.backingOpen("/d");
      case "mount":
        return holds.isEmpty() && s.inFlight().isEmpty() && held().isEmpty() ? Ast.backingOpenOnMount("/a")
            : Ast.backingOpenFd(-1);
      default:
        return Ast.backingOpenFd(-1);
    }
  }

  private boolean backingClose() {
    if (crashed) {
      return false;
    }
    List<Long> known = draws.knownIds();
    if (!wellBehaved && (known.isEmpty() || chance(20))) {
      return emitted(Ast.backingClose(pick(List.of(0L, 42L))));
    }
    if (known.isEmpty()) {
      return false;
    }
    long id = pick(known);
    ids.values().remove(id);
    return emitted(Ast.backingClose(id));
  }

  // ---- the end: answer everything, close everything, umount ----------------------------------

  private void finish() {
    for (Stmt h : new ArrayList<>(holds)) {
      Stmt.ServerHold sh = (Stmt.ServerHold) h;
      emit(Ast.unhold(sh.op(), sh.path().map(w -> w.text()).orElse(null)));
    }
    holds.clear();
    for (int round = 0; round < 50 && violation == null; round++) {
      List<Request> held = held();
      if (!held.isEmpty()) {
        Request r = held.get(0);
        emit(Ast.reply(r.thread, ServerOp.valueOf(r.opcode.name()), null));
        continue;
      }
      Kernel k = s.kernel();
      String t = idleThread();
      if (t == null) {
        return; // a thread sleeps for good: no umount
      }
      if (!k.vmas.isEmpty()) {
        emit(Ast.call(t, Syscall.MUNMAP, fusesim.traces.lang.Value.Sym.of(k.vmas.firstKey())));
      } else if (!k.fds.isEmpty()) {
        Integer fd = null;
        for (Integer f : k.fds.keySet()) {
          if (fd == null && !busy(f)) {
            fd = f;
          }
        }
        if (fd == null) {
          return;
        }
        emit(Ast.call(t, Syscall.CLOSE, Ast.num(fd)));
      } else {
        break;
      }
    }
    Kernel k = s.kernel();
    if (violation == null && k.mounted && !k.unmounted && k.fds.isEmpty() && k.vmas.isEmpty()) {
      emit(Ast.umount());
    }
  }

}
