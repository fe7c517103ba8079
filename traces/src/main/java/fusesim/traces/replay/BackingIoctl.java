package fusesim.traces.replay;

import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseConn;
import fusesim.model.series.Assumption;
import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Stmt;

/**
 * BACKING-IOCTL: a FUSE_DEV_IOC_BACKING_OPEN or _CLOSE returns the errno of the first check of
 * fuse_backing_open() / fuse_backing_close() (fs/fuse/backing.c, 6.18) that applies, computed from
 * the ioctl's arguments and the state before it, in the kernel's order; a successful open returns
 * an id that was free and now names the file, a successful close removes the id. ERRNO-DOMAIN only
 * asks that the errno be one backing.c can return; this judges which one. The series' changes are
 * stated here on their own, from the ops' bits of the trace catalog (not the model's constants):
 * v2 02/21 turns map->padding into ops_mask, EINVAL for a bit outside FUSE_BACKING_MAP_VALID_OPS
 * (read, write, getattr, setattr; readdir from 03/21; open in v1; INF: statx never); 03/21 lets a
 * directory in for READDIR, and a directory with other ops or a regular file with READDIR is
 * EINVAL or accepted per A13.
 */
public final class BackingIoctl {
  public static final String ID = "BACKING-IOCTL";

  public static final Invariant INVARIANT = new Invariant(ID,
      "a backing ioctl returns the errno of the first applicable check of fuse_backing_open / "
          + "fuse_backing_close (EPERM, EINVAL, EBADF, EISDIR/EINVAL, ELOOP; EPERM, EINVAL, ENOENT), "
          + "and a success allocates a free id for the file or removes the closed one",
      "fs/fuse/backing.c: fuse_backing_open, fuse_backing_close, fuse_backing_id_alloc "
          + "(idr_alloc_cyclic from 1); fs/fuse/dev.c: fuse_dev_ioctl_backing_open/close",
      k -> null);

  /** What the judge expects: an errno name, OK (a new id / 0), or null (not judged). */
  private static final String OK = "ok";

  private final Kernel k;
  private String expected;
  private Lower.Node target;
  private java.util.Set<Integer> idsBefore;
  /** The server thread's last result before the statement (ServerOwnOpen), to see its open fail. */
  private fusesim.model.SysResult serverBefore;

  public BackingIoctl(Kernel k) {
    this.k = k;
  }

  /** Called before a statement runs: what an ioctl statement must return. */
  public void before(Stmt s) {
    expected = null;
    target = null;
    if (!k.mounted) {
      return; // ensureMounted() mounts first: the connection's flags are not known yet
    }
    idsBefore = new java.util.HashSet<>(k.fc.backingFilesMap.keySet());
    serverBefore = ServerOwnOpen.lastResult(k);
    if (s instanceof Stmt.BackingOpen b) {
      expected = open(b);
    } else if (s instanceof Stmt.BackingClose c) {
      expected = close(c.id().value());
    }
  }

  /** fuse_backing_open()'s checks in order (the caller is root: capable(CAP_SYS_ADMIN)). */
  private String open(Stmt.BackingOpen b) {
    FuseConn fc = k.fc;
    if (!fc.passthrough) {
      return "EPERM";
    }
    long flags = Item.longValue(b.params(), "flags").orElse(0L);
    long padding = Item.get(b.params(), "padding").or(() -> Item.get(b.params(), "ops"))
        .map(ToModel::number).orElse(0L);
    if (flags != 0 || (k.sem.has(2) ? (padding & ~validOps()) != 0 : padding != 0)) {
      return "EINVAL"; // map->flags || map->padding (v2 02/21: ops_mask & ~FUSE_BACKING_MAP_VALID_OPS)
    }
    if (b.target() instanceof Stmt.FdTarget) {
      return "EBADF"; // fget_raw(map->fd)
    }
    if (!(b.target() instanceof Stmt.LowerTarget t)) {
      return "ELOOP"; // a file on this mount: its sb's s_stack_depth is fc->max_stack_depth
    }
    Lower.Node n = k.lower.resolve(t.path().text());
    if (n == null) {
      return null; // the trace's own error (StepRunner.lowerNode)
    }
    String type = fileType(n, k.sem.has(2) ? padding : 0);
    if (type != null) {
      return type;
    }
    if (n.stackDepth >= fc.maxStackDepth) {
      return "ELOOP"; // backing_sb->s_stack_depth >= fc->max_stack_depth
    }
    target = n;
    return OK;
  }

  /** FUSE_BACKING_MAP_VALID_OPS as the series states it (v2 02/21, 03/21; v1 keeps OPEN). */
  private long validOps() {
    long valid = op("read") | op("write") | op("getattr") | op("setattr");
    if (k.sem.has(3)) {
      valid |= op("readdir");
    }
    if (k.sem.kernelOpen()) {
      valid |= op("open");
    }
    return valid;
  }

  private static long op(String name) {
    return Catalog.BACKING_OPS.valueOf(name).orElseThrow();
  }

  /**
   * The file-type check: mainline !d_is_reg() (d_is_dir() ? EISDIR : EINVAL); from v2 03/21 a
   * directory with a nonzero mask of directory ops only is let in, and mixed masks follow A13.
   */
  private String fileType(Lower.Node n, long ops) {
    boolean series = k.sem.has(3);
    boolean accept = k.sem.is(Assumption.DIR_BACKING_MASK, "accept");
    long dirOps = op("readdir");
    if (series && n.isDir() && ops != 0) {
      return (ops & ~dirOps) == 0 || accept ? null : "EINVAL";
    }
    if (!n.isReg()) {
      return n.isDir() ? "EISDIR" : "EINVAL";
    }
    return series && (ops & dirOps) != 0 && !accept ? "EINVAL" : null;
  }

  /** fuse_backing_close()'s checks in order. */
  private String close(long id) {
    if (!k.fc.passthrough) {
      return "EPERM";
    }
    if (id <= 0) {
      return "EINVAL";
    }
    return idsBefore.contains((int) id) ? OK : "ENOENT"; // fuse_backing_id_remove() found nothing
  }

  /** The violation after the statement ran, or null. */
  public Checker.Violation check(Stmt s, Observation o) {
    String v = after(s, o.result());
    return v == null ? null : new Checker.Violation(INVARIANT, v);
  }

  private String after(Stmt s, String result) {
    if (expected == null || result == null) {
      return null;
    }
    String errno = ErrnoDomain.errno(result);
    if (errno != null && ServerOwnOpen.openFailedWith(k, serverBefore, errno)) {
      return null; // mount:P: the server's own open of P failed, there was no ioctl to judge
    }
    String call = s instanceof Stmt.BackingOpen ? "backing_open" : "backing_close";
    if (!OK.equals(expected)) {
      return expected.equals(errno) ? null
          : call + " returned " + result + ", not -1 " + expected + " (the first check of fuse_" + call
              + " that applies)";
    }
    if (errno != null) {
      return call + " returned " + result + ", but every check of fuse_" + call + " passes";
    }
    return s instanceof Stmt.BackingOpen ? newId(result) : closedId(((Stmt.BackingClose) s).id().value());
  }

  private String newId(String result) {
    int id = Integer.parseInt(result);
    FuseBacking fb = k.fc.backingFilesMap.get(id);
    if (id <= 0 || idsBefore.contains(id) || fb == null || fb.file != target) {
      return "backing_open returned id " + id + ", not a free id >= 1 now naming the file "
          + "(fuse_backing_id_alloc: idr_alloc_cyclic(..., 1, 0))";
    }
    return null;
  }

  private String closedId(long id) {
    return k.fc.backingFilesMap.containsKey((int) id) ? "backing_close returned 0 but id " + id
        + " is still registered (fuse_backing_id_remove)" : null;
  }
}
