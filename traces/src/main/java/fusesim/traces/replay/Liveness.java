package fusesim.traces.replay;

import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Request;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.Vma;
import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * LIVENESS-WB: under a well-behaved server, a user syscall on an existing file does not fail
 * spuriously. Unlike the invariants of invariants/, which are predicates of the state, this is judged
 * over the run: the statements executed (what the server was told to do, which call returned
 * what) and the requests the kernel sent with the server's replies. One instance follows one run,
 * statement by statement ({@link #after}); {@link ModelReplay} and the property engine's sessions
 * both use it, so a counterexample replays to the same violation.
 *
 * <p>The definition (properties/README.md, "Liveness"):
 *
 * <ul>
 *   <li><b>Well-behaved</b> (passthrough_hp-like). The run stays well-behaved while: the mount
 *       options are among {@link WellBehaved#MOUNT_OPTIONS}; server policies are only OPEN/OPENDIR/CREATE
 *       replies with FOPEN flags among passthrough, keep_cache, direct_io, parallel_direct_writes,
 *       noflush (never passthrough with keep_cache) and no field but {@code backing}, and LOOKUP
 *       entry replies with no field but entry_valid, attr_valid and backing (MKNOD, SYMLINK and
 *       LINK entry replies also new_backing); no error is injected
 *       (no policy or explicit reply with an errno, no explicit reply at all); BACKING_OPEN names a
 *       lower path; the server does not crash; nothing is unmounted; a lower file is changed only
 *       in ino, size and times. The first statement outside this switches the check off for the
 *       rest of the run (the reason is kept).
 *   <li><b>Stable open policy per inode.</b> An inode's <i>open period</i> lasts while it has a
 *       fuse_file (open, mapped, or pinned by a call) or an OPEN in flight. Within a period the
 *       server answers every OPEN of it in one io mode: {@code passthrough backing=N} with the
 *       same N, registered for that lower file when the reply is sent, or not passthrough
 *       (cached and direct_io may mix: they never fail each other, a cached opener only waits).
 *       A reply that breaks this <i>taints</i> the inode until its period ends: the kernel's
 *       answer to such a mix is EIO by design (fs/fuse/iomode.c, fuse_file_io_open: "Using
 *       incorrect open mode is a server mistake, which results in user visible failure of open()
 *       with EIO error"), so failures on a tainted inode are not spurious.
 *   <li><b>Judged calls.</b> Every finished call (a {@code = ...} line or a resumed one). A
 *       failure is spurious unless: its errno is the caller's own doing ({@link #USER_ERRORS});
 *       or a path argument does not name an existing lower file (when the call starts or when it
 *       returns); or it is ENODEV from mmap of a FOPEN_DIRECT_IO file on a mount without
 *       direct_io_allow_mmap (documented); or an inode it touched (its fd's, its mapping's, or
 *       one its requests named) is tainted.
 * </ul>
 */
public final class Liveness {
  public static final String ID = "LIVENESS-WB";

  /**
   * The invariant's id, title and source, for reports and {@code result: violates LIVENESS-WB}.
   * Its state predicate always holds: the judgement is {@link #after}, over the run.
   */
  public static final Invariant INVARIANT = new Invariant(ID,
      "under a well-behaved server with a stable open policy per inode, a user syscall on an "
          + "existing file does not fail (judged over the run, not a state predicate)",
      "fs/fuse/iomode.c: fuse_file_io_open (a mixed open mode is a server mistake: EIO); "
          + "example/passthrough_hp.cc (one backing id per inode while open); properties/README.md",
      k -> null);

  /** Errnos that answer the caller's own arguments (bad fd, access mode, file type, ...). */
  static final Set<String> USER_ERRORS = Set.of("EBADF", "EACCES", "EPERM", "EINVAL", "EISDIR",
      "ENOTDIR", "EEXIST", "ENAMETOOLONG", "EFAULT", "ELOOP", "ENOTEMPTY", "EXDEV", "ESPIPE",
      "EOPNOTSUPP");

  /**
   * The xattr calls' answers to their arguments (getxattr(2)): a name or buffer of the wrong size
   * (ERANGE, E2BIG), no such attribute (ENODATA, what passthrough_hp answers for a file without).
   */
  static final Set<String> XATTR_ERRORS = Set.of("ERANGE", "E2BIG", "ENODATA");

  /** An inode's open period: the io mode of its opens, and what broke stability, if anything. */
  private static final class Period {
    String mode;
    String taint;
  }

  private final Kernel k;
  /** Whether each statement keeps the server well-behaved (passthrough_hp-like). */
  private final WellBehaved gate;
  private String off;
  private int logMark;
  private final List<Request> unanswered = new ArrayList<>();
  private final Map<Long, Period> periods = new TreeMap<>();
  /** The protocol this run follows: which call a statement started or finished. */
  private final TraceDriver driver;
  /** Whether the path arguments named existing lower files, per call in flight, at its start. */
  private final Map<TraceDriver.Call, Boolean> existedAtStart = new java.util.IdentityHashMap<>();
  private long judged;
  private final Map<String, Long> excused = new TreeMap<>();

  /** Follows the run {@code driver} drives on {@code k}. */
  public Liveness(Kernel k, TraceDriver driver) {
    this.k = k;
    this.driver = driver;
    this.gate = new WellBehaved(k);
  }

  /** Why the check is off for the rest of the run, or null while it judges. */
  public String off() {
    return off;
  }

  /** Finished calls judged so far (while the check was on). */
  public long judged() {
    return judged;
  }

  /** Failed calls found not spurious so far, by reason ("EBADF", "tainted", ...). */
  public Map<String, Long> excused() {
    return java.util.Collections.unmodifiableMap(excused);
  }

  private void excuse(String why) {
    excused.merge(why, 1L, Long::sum);
  }

  /** The violation as the checker reports it, or null. */
  public Checker.Violation check(Stmt s, Observation o) {
    String v = after(s, o);
    return v == null ? null : new Checker.Violation(INVARIANT, v);
  }

  /**
   * Follows one executed statement and its observation; returns what is wrong (a spurious
   * failure) or null.
   */
  public String after(Stmt s, Observation o) {
    if (off != null) {
      return null;
    }
    off = gate.why(s);
    if (off == null && k.fc.connError) {
      off = "INIT failed: the connection is refused"; // e.g. passthrough_ino without passthrough (A14)
    }
    if (off != null) {
      return null;
    }
    replies();
    if (off != null) {
      return null;
    }
    String v = null;
    TraceDriver.Event e = driver.lastEvent();
    if (e != null && !e.returned()) {
      existedAtStart.put(e.call(), pathsExist(e.call().syscall(), e.call().args()));
    } else if (e != null) {
      TraceDriver.Call c = e.call();
      Boolean existed = existedAtStart.remove(c); // null: it returned on the line that started it
      v = judge(c.thread(), c.syscall(), c.args(), c.startMark(),
          existed != null ? existed : pathsExist(c.syscall(), c.args()), o.result());
    }
    endPeriods();
    return v;
  }

  // ---- well-behaved or not -------------------------------------------------------------------

  // ---- open periods --------------------------------------------------------------------------

  /** Reads the server's new replies: each OPEN answer joins (or taints) its inode's period. */
  private void replies() {
    for (int i = logMark; i < k.log.size(); i++) {
      unanswered.add(k.log.get(i));
    }
    logMark = k.log.size();
    for (Iterator<Request> it = unanswered.iterator(); it.hasNext();) {
      Request r = it.next();
      if (!r.answered()) {
        continue;
      }
      it.remove();
      Reply.Entry entry = r.reply instanceof Reply.Entry ? (Reply.Entry) r.reply
          : r.reply instanceof Reply.Create ? ((Reply.Create) r.reply).entry() : null;
      if (entry != null && entry.backingId() != 0 && !registered(entry.backingId(), entry.nodeid())) {
        off = "the server named backing id " + entry.backingId() + " in an entry reply for nodeid "
            + entry.nodeid() + ", not registered for that file";
        return;
      }
      if (entry != null && entry.backingId() != 0 && entry.nodeid() != 0 && k.sem.has(7) && k.fc.passthroughIno) {
        fusesim.model.fuse.FuseInode fi = k.inodeHash.get(entry.nodeid());
        if (fi == null || fi.lifetimeFb == null || fi.lifetimeFb.label != entry.backingId()) {
          off = "the kernel did not attach backing id " + entry.backingId() + " that the server named at "
              + "lookup of nodeid " + entry.nodeid() + " (a lifetime backing needs GETATTR in its ops, "
              + "the file's ino and an inode not in cached io mode: v2 07/13, A6)";
          return;
        }
      }
      Reply.Open open = r.reply instanceof Reply.Open ? (Reply.Open) r.reply
          : r.reply instanceof Reply.Create ? ((Reply.Create) r.reply).open() : null;
      if (open == null) {
        continue;
      }
      long nodeid = r.reply instanceof Reply.Create ? ((Reply.Create) r.reply).entry().nodeid() : r.nodeid;
      String mode = mode(nodeid, open, r.opcode == Opcode.OPEN ? r.ghostLifetimeAtReply : -1);
      Period p = periods.computeIfAbsent(nodeid, n -> new Period());
      if (mode.startsWith("!")) {
        p.taint = p.taint != null ? p.taint : mode.substring(1);
      } else if (p.mode == null) {
        p.mode = mode;
      } else if (!p.mode.equals(mode) && p.taint == null) {
        p.taint = "the server answered OPEN(" + nodeid + ") " + mode + " while its open period is " + p.mode;
      }
    }
  }

  /**
   * "passthrough backing=N", "not passthrough", or "!why" for a reply that cannot be stable. An
   * inode with a lifetime backing L (v2 13/21, attached at lookup) is in passthrough mode for its
   * whole life: a well-behaved server opens it {@code passthrough backing=L}, or backing=0 to
   * inherit it (v2 16/21).
   */
  private String mode(long nodeid, Reply.Open open, int lifetimeAtReply) {
    fusesim.model.fuse.FuseInode fi = k.inodeHash.get(nodeid);
    FuseBacking life = fi == null ? null : fi.lifetimeFb;
    if (lifetimeAtReply == 0) {
      life = null; // attached later in the same step: the OPEN reply met an inode without one
    }
    boolean pt = (open.openFlags() & Iomode.FOPEN_PASSTHROUGH) != 0;
    int id = open.backingId();
    if (life != null && !(pt && (id == life.label || (id == 0 && k.sem.has(16))))) {
      return "!the server answered OPEN(" + nodeid + ") " + (pt ? "passthrough backing=" + id : "not passthrough")
          + " while the inode has lifetime backing " + life.label;
    }
    if (!pt) {
      return "not passthrough";
    }
    if (id == 0 && k.sem.has(16) && life != null) {
      return "passthrough backing=" + life.label; // inherits the lifetime backing
    }
    if (id == 0 && k.sem.has(16) && fi != null && fi.fb != null
        && k.sem.is(fusesim.model.series.Assumption.INHERIT_WITHOUT_LIFETIME, "open-time-fb")) {
      return "passthrough backing=" + fi.fb.label; // A11=open-time-fb: the open-time fi->fb too
    }
    if (!registered(id, nodeid)) {
      return "!the server answered OPEN(" + nodeid + ") passthrough with backing id " + id
          + ", not registered for that file";
    }
    return "passthrough backing=" + id;
  }

  /** Whether backing id {@code id} is registered for the lower file behind {@code nodeid}. */
  private boolean registered(int id, long nodeid) {
    FuseBacking fb = k.fc.backingFilesMap.get(id);
    Lower.Node node = k.server.nodes.get(nodeid);
    return fb != null && node != null && fb.file == node;
  }

  /** A period ends when the inode has no fuse_file and no OPEN in flight. */
  private void endPeriods() {
    if (periods.isEmpty()) {
      return;
    }
    Set<Long> busy = new TreeSet<>();
    for (FuseFile ff : k.openFiles) {
      busy.add(ff.nodeid);
    }
    for (Request r : unanswered) {
      if (r.opcode == Opcode.OPEN || r.opcode == Opcode.OPENDIR || r.opcode == Opcode.CREATE) {
        busy.add(r.nodeid);
      }
    }
    // a call still in flight will be judged later, against the period its requests saw
    for (TraceDriver.Call c : driver.inFlight().values()) {
      busy.addAll(touched(c.thread(), c.syscall(), c.args(), c.startMark()));
    }
    periods.keySet().retainAll(busy);
  }

  // ---- judging a finished call ---------------------------------------------------------------

  private String judge(String thread, Syscall sc, List<Value> args, int mark, boolean existed, String result) {
    judged++;
    if (!result.startsWith("-1 ")) {
      return null;
    }
    String errno = result.substring(3).trim();
    if (USER_ERRORS.contains(errno) || sc.word().endsWith("xattr") && XATTR_ERRORS.contains(errno)) {
      excuse(errno);
      return null;
    }
    if (!existed || !pathsExist(sc, args)) {
      excuse("no such lower file");
      return null;
    }
    if (errno.equals("ENODEV") && sc == Syscall.MMAP && !gate.allowMmap() && directIo(args)) {
      excuse("ENODEV: mmap of a direct_io file without direct_io_allow_mmap");
      return null;
    }
    if (errno.equals("ENODEV") && sc == Syscall.MMAP && partialPassthrough(args)) {
      excuse("ENODEV: mmap of a partial passthrough file");
      return null;
    }
    if (errno.equals("ENODEV") && sc == Syscall.MMAP && fdArg(sc, args) != null && fdArg(sc, args).ff.isDir) {
      excuse("ENODEV: mmap of a directory");
      return null;
    }
    Set<Long> touched = touched(thread, sc, args, mark);
    for (long n : touched) {
      Period p = periods.get(n);
      if (p != null && p.taint != null) {
        excuse("unstable open policy");
        return null;
      }
    }
    StringBuilder why = new StringBuilder();
    for (long n : touched) {
      Period p = periods.get(n);
      why.append(why.length() == 0 ? "" : "; ").append("nodeid ").append(n)
          .append(p == null || p.mode == null ? ": no open period" : ": opens answered " + p.mode);
    }
    return thread + " " + sc.word() + "() failed with " + errno + " under a well-behaved server"
        + (why.length() == 0 ? "" : " (" + why + ")");
  }

  /**
   * Whether every path argument names an existing lower file, symlinks followed (a dangling link
   * is ENOENT for the calls that follow it; for lstat and the other calls that do not, an ENOENT
   * of a dangling link is excused too: lenient, never a false alarm).
   */
  private boolean pathsExist(Syscall sc, List<Value> args) {
    for (int i = 0; i < args.size() && i < sc.args().size(); i++) {
      if (sc.args().get(i) == ArgKind.PATH && args.get(i) instanceof Value.Str
          && k.lower.resolveFollowing(((Value.Str) args.get(i)).value()) == null) {
        return false;
      }
    }
    return true;
  }

  private boolean directIo(List<Value> args) {
    KFile f = fdArg(Syscall.MMAP, args);
    return f != null && (f.ff.openFlags & Iomode.FOPEN_DIRECT_IO) != 0;
  }

  /**
   * A passthrough open whose backing does not grant both READ and WRITE (v2 09/21): a shared
   * mapping is refused (A12), as the server chose partial io passthrough.
   */
  private boolean partialPassthrough(List<Value> args) {
    KFile f = fdArg(Syscall.MMAP, args);
    long rw = fusesim.model.series.InodePassthrough.RW_OPS;
    return f != null && f.ff.passthrough != null && k.sem.has(9) && (f.ff.passthroughOps & rw) != rw;
  }

  private KFile fdArg(Syscall sc, List<Value> args) {
    if (!args.isEmpty() && sc.args().get(0) == ArgKind.FD && args.get(0) instanceof Value.Int) {
      return k.fds.get((int) ((Value.Int) args.get(0)).value());
    }
    return null;
  }

  /** The nodeids a call concerned: its fd's, its mapping's, and those its requests named. */
  private Set<Long> touched(String thread, Syscall sc, List<Value> args, int mark) {
    Set<Long> out = new TreeSet<>();
    KFile f = fdArg(sc, args);
    if (f != null) {
      out.add(f.ff.nodeid);
    }
    if (!args.isEmpty() && sc.args().get(0) == ArgKind.MAP) {
      Vma v = k.vmas.get(args.get(0) instanceof Value.Sym ? ((Value.Sym) args.get(0)).name() : "");
      if (v != null) {
        out.add(v.file.ff.nodeid);
      }
    }
    for (int i = Math.min(mark, k.log.size()); i < k.log.size(); i++) {
      Request r = k.log.get(i);
      if (thread.equals(r.thread) && r.opcode != Opcode.LOOKUP) {
        out.add(r.nodeid);
      }
      if (thread.equals(r.thread) && r.opcode == Opcode.CREATE && r.reply instanceof Reply.Create) {
        out.add(((Reply.Create) r.reply).entry().nodeid());
      }
    }
    return out;
  }
}
