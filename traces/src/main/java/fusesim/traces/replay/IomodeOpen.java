package fusesim.traces.replay;

import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.model.Kernel;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Request;
import fusesim.traces.lang.Stmt;
import java.util.HashMap;
import java.util.Map;

/**
 * IOMODE-OPEN: an open whose OPEN reply fuse_file_io_open() (fs/fuse/iomode.c, 6.18) refuses
 * fails with EIO, and one it accepts does not fail with EIO. The verdict is computed here from the
 * reply's open_flags and backing_id and the inode's state before the call, in the kernel's order:
 * a backing on the inode without FOPEN_PASSTHROUGH (EINVAL); FOPEN_DIRECT_IO without passthrough
 * takes no io mode; FOPEN_PASSTHROUGH on a mount without passthrough or with flags outside
 * FOPEN_PASSTHROUGH_MASK (EINVAL, fuse_file_passthrough_open), a backing id <= 0 or unknown
 * (fuse_passthrough_open: EINVAL, ENOENT), another backing on the inode (EBUSY) or cached opens
 * (ETXTBSY, fuse_inode_uncached_io_start); a cached open otherwise succeeds (or waits). Every
 * failure is EIO to the user ("Using incorrect open mode is a server mistake"). Judged only where
 * mainline's rules hold: not under FUSE_PASSTHROUGH_INO (the series attaches lifetime backings in
 * the same call's LOOKUP, v2 13/21, and adds the ino rule, 01/21), and only for a call that
 * finished in the statement with one answered OPEN.
 */
public final class IomodeOpen {
  public static final String ID = "IOMODE-OPEN";

  public static final Invariant INVARIANT = new Invariant(ID,
      "an open fails with EIO exactly when fuse_file_io_open refuses its OPEN reply (a backing on the "
          + "inode without FOPEN_PASSTHROUGH; FOPEN_PASSTHROUGH without passthrough, with other flags, "
          + "a bad or unknown id, another backing, cached opens)",
      "fs/fuse/iomode.c: fuse_file_io_open, fuse_file_passthrough_open, fuse_inode_uncached_io_start; "
          + "fs/fuse/passthrough.c: fuse_passthrough_open",
      k -> null);

  private static final int DIRECT_IO = 1;
  private static final int PASSTHROUGH = 1 << 7;
  /** FOPEN_PASSTHROUGH_MASK: PASSTHROUGH, DIRECT_IO, PARALLEL_DIRECT_WRITES, NOFLUSH. */
  private static final int MASK = PASSTHROUGH | DIRECT_IO | 1 << 6 | 1 << 5;

  /** The inode object too: fuse_iget replaces a stale inode (fuse_stale_inode) under the same nodeid. */
  private record InodeState(FuseInode fi, FuseBacking fb, int iocachectr) {}

  private final Kernel k;
  private final Map<Long, InodeState> before = new HashMap<>();
  private int logMark;

  public IomodeOpen(Kernel k) {
    this.k = k;
  }

  /** Called before a statement runs: the inodes' backings and io-mode counters. */
  public void before(Stmt s) {
    before.clear();
    logMark = k.log.size();
    if (s instanceof Stmt.Call) {
      for (FuseInode fi : k.inodeHash.values()) {
        before.put(fi.nodeid, new InodeState(fi, fi.fb, fi.iocachectr));
      }
    }
  }

  /** The violation after the statement ran, or null. */
  public Checker.Violation check(Stmt s, Observation o) {
    if (!(s instanceof Stmt.Call c) || !k.mounted || o.result() == null || o.result().equals("unfinished")
        || k.sem.has(1) && k.fc.passthroughIno) {
      return null;
    }
    Request open = theOpen(c.thread().text());
    if (open == null) {
      return null;
    }
    String refusal = refusal((Reply.Open) open.reply, stateAtOpen(open.nodeid));
    boolean eio = "EIO".equals(ErrnoDomain.errno(o.result()));
    if (refusal != null && !eio) {
      return new Checker.Violation(INVARIANT, c.syscall().word() + " returned " + o.result()
          + ", but fuse_file_io_open refuses its OPEN reply (" + refusal + "): EIO");
    }
    if (refusal == null && eio && !serverSaidEio(c.thread().text())) {
      return new Checker.Violation(INVARIANT, c.syscall().word() + " returned -1 EIO, but fuse_file_io_open "
          + "accepts its OPEN reply (open_flags=0x" + Integer.toHexString(((Reply.Open) open.reply).openFlags())
          + ") and no reply carried EIO");
    }
    return null;
  }

  /**
   * The inode's state before the statement, if the OPEN went to that same inode object. A lookup in
   * the same statement may have found it stale (fuse_iget: another generation or file type), unhashed
   * it and made a fresh inode with the nodeid: that one has no backing and no io mode yet.
   */
  private InodeState stateAtOpen(long nodeid) {
    InodeState st = before.get(nodeid);
    return st != null && st.fi() == k.inodeHash.get(nodeid) ? st : new InodeState(null, null, 0);
  }

  /** The one OPEN of this thread logged in the statement, answered with open_flags; else null. */
  private Request theOpen(String thread) {
    Request found = null;
    for (int i = logMark; i < k.log.size(); i++) {
      Request r = k.log.get(i);
      if (r.opcode == Opcode.OPEN && thread.equals(r.thread)) {
        if (found != null || !(r.reply instanceof Reply.Open)) {
          return null;
        }
        found = r;
      }
    }
    return found;
  }

  /** fuse_file_io_open()'s first refusing check for this reply and inode state, or null. */
  private String refusal(Reply.Open reply, InodeState st) {
    int flags = reply.openFlags();
    boolean pt = (flags & PASSTHROUGH) != 0;
    if (st.fb() != null && !pt) {
      return "the inode has a backing and the reply lacks FOPEN_PASSTHROUGH";
    }
    if (!pt) {
      return null; // direct io takes no io mode; a cached open enters cached io mode (or waits)
    }
    if (!k.fc.passthrough || (flags & ~MASK) != 0) {
      return "FOPEN_PASSTHROUGH without passthrough or with flags outside FOPEN_PASSTHROUGH_MASK";
    }
    FuseBacking fb = k.fc.backingFilesMap.get(reply.backingId());
    if (reply.backingId() <= 0 || fb == null) {
      return "backing id " + reply.backingId() + " is not registered"; // registered before: the call adds none
    }
    if (st.fb() != null && st.fb() != fb) {
      return "another backing is attached to the inode";
    }
    return st.iocachectr() > 0 ? "the inode is in cached io mode" : null;
  }

  private boolean serverSaidEio(String thread) {
    for (int i = logMark; i < k.log.size(); i++) {
      Request r = k.log.get(i);
      if (thread.equals(r.thread) && r.reply instanceof Reply.Error e && e.errno() == fusesim.model.Errno.EIO.value) {
        return true;
      }
    }
    return false;
  }
}
