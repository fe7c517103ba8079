package fusesim.invariants;

import fusesim.model.vfs.Dentry;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseFile.IoMode;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.Opcode;
import fusesim.model.fuse.Request;
import fusesim.model.UserThread;
import fusesim.model.vfs.Vma;
import fusesim.model.WaitQueue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants of the mainline model, each checked after every step. Kernel-side invariants
 * must hold for any server; they say nothing about what a user sees.
 */
public final class Invariants {
  private Invariants() {}

  public static final Invariant IOMODE_EXCL = new Invariant("IOMODE-EXCL",
      "no cached io mixed with passthrough: an inode with a cached open or a page-cache mapping "
          + "has no passthrough open and no attached backing",
      "fs/fuse/iomode.c: fuse_file_cached_io_open (-ETXTBSY), fuse_inode_uncached_io_start "
          + "(-ETXTBSY)",
      Invariants::iomodeExclusive);

  public static final Invariant IOCACHECTR = new Invariant("IOCACHECTR",
      "fi->iocachectr = cached opens - passthrough opens - parallel direct writes in flight",
      "fs/fuse/iomode.c: meaning of fi->iocachectr; fs/fuse/file.c: fuse_dio_lock/fuse_dio_unlock",
      Invariants::iocachectrAccounting);

  public static final Invariant CACHE_IO_MODE_BIT = new Invariant("CACHE-IO-MODE-BIT",
      "FUSE_I_CACHE_IO_MODE is set exactly while the inode has cached opens or a cached opener "
          + "waits for parallel direct writes",
      "fs/fuse/iomode.c: fuse_file_cached_io_open, fuse_file_cached_io_release",
      Invariants::cacheIoModeBit);

  public static final Invariant BACKING_REFCOUNT = new Invariant("BACKING-REFCOUNT",
      "a live fuse_backing's refcount = its idr entry (0/1) + the inodes whose fi->fb it is",
      "fs/fuse/backing.c: fuse_backing_open/close/get/put; fs/fuse/iomode.c: "
          + "fuse_inode_uncached_io_start/end",
      Invariants::backingRefcount);

  public static final Invariant BACKING_NO_UAF = new Invariant("BACKING-NO-UAF",
      "no freed fuse_backing is reachable from the idr or an inode, and no count is negative",
      "fs/fuse/backing.c: fuse_backing_put → fuse_backing_free",
      Invariants::backingNoUseAfterFree);

  public static final Invariant NO_LEAK = new Invariant("NO-LEAK",
      "after umount nothing is left: no inode, no fuse_file, no backing id, no unfreed fuse_backing",
      "fs/fuse/inode.c: fuse_conn_put → fuse_backing_files_free; fuse_evict_inode",
      Invariants::nothingLeaked);

  public static final Invariant NLOOKUP_BALANCE = new Invariant("NLOOKUP-BALANCE",
      "for every nodeid, the lookups the server counted = the nlookup of the kernel's inodes",
      "fs/fuse/inode.c: fuse_iget (nlookup++), fuse_evict_inode (FORGET nlookup); "
          + "fs/fuse/dir.c: fuse_dentry_revalidate (FORGET(nodeid, 1))",
      Invariants::nlookupBalance);

  public static final Invariant PT_BYPASS = new Invariant("PT-BYPASS",
      "no READ or WRITE request is sent for a passthrough file (unless it is also FOPEN_DIRECT_IO, "
          + "or, from v2 09/21, its backing does not grant that op)",
      "fs/fuse/file.c: fuse_file_read_iter/write_iter (FOPEN_PASSTHROUGH: fuse_passthrough_read_iter, "
          + "no READ sent; seen on 6.18.44)",
      Invariants::passthroughBypass);

  public static final Invariant DENTRY_REVAL = new Invariant("DENTRY-REVAL",
      "a dentry kept by revalidation names the nodeid the server returned for it",
      "fs/fuse/dir.c: fuse_dentry_revalidate (a different nodeid invalidates)",
      Invariants::dentryRevalidation);

  public static final Invariant PT_NO_PAGE_CACHE = new Invariant("PT-NO-PAGE-CACHE",
      "a passthrough open starts with an empty page cache (it may not keep the inode's cached "
          + "pages, as FOPEN_KEEP_CACHE would)",
      "fs/fuse/iomode.c: FOPEN_PASSTHROUGH_MASK (KEEP_CACHE refused: passthrough must not share "
          + "the inode page cache; PT|KEEP_CACHE opens fail EIO on 6.18.44)",
      Invariants::passthroughNoPageCache);

  public static final Invariant NO_KERNEL_WARN = new Invariant("NO-KERNEL-WARN",
      "no WARN_ON/BUG_ON fired and no refcount misuse was reported",
      "the WARN_ON/WARN_ON_ONCE/BUG_ON sites of fs/fuse/*.c that the model reaches (Kernel.warnOn)",
      k -> k.findings.isEmpty() ? null : k.findings.get(0).toString());

  /** The mainline invariants, in report order. */
  public static final List<Invariant> MAINLINE = List.of(IOMODE_EXCL, IOCACHECTR, CACHE_IO_MODE_BIT,
      BACKING_REFCOUNT, BACKING_NO_UAF, NO_LEAK, NLOOKUP_BALANCE, PT_BYPASS, DENTRY_REVAL,
      PT_NO_PAGE_CACHE, NO_KERNEL_WARN, ResultInvariants.READ_RESULT, ResultInvariants.COHERENCE,
      ResultInvariants.PT_WRITE_RESULT);

  /** Every invariant: mainline's, then the series' (vacuous where their patch is not applied). */
  public static final List<Invariant> ALL = concat(MAINLINE, SeriesInvariants.ALL);

  private static List<Invariant> concat(List<Invariant> a, List<Invariant> b) {
    java.util.List<Invariant> r = new java.util.ArrayList<>(a);
    r.addAll(b);
    return List.copyOf(r);
  }

  public static Invariant byId(String id) {
    for (Invariant inv : ALL) {
      if (inv.id().equals(id)) {
        return inv;
      }
    }
    return null;
  }

  // ---- predicates ----------------------------------------------------------------------------

  private static String iomodeExclusive(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      boolean cached = false;
      boolean passthrough = fi.fb != null;
      for (FuseFile ff : k.openFiles) {
        if (ff.inode == fi) {
          cached |= ff.iomode == IoMode.IOM_CACHED;
          passthrough |= ff.passthrough != null;
        }
      }
      for (Vma v : k.vmas.values()) {
        cached |= v.backing == null && v.shared && v.file.ff.inode == fi;
      }
      if (cached && passthrough) {
        return fi + " has cached io and passthrough at once (iocachectr=" + fi.iocachectr
            + ", fb=" + fi.fb + ")";
      }
    }
    return null;
  }

  private static String iocachectrAccounting(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      int expected = 0;
      for (FuseFile ff : k.openFiles) {
        if (ff.inode == fi) {
          expected += ff.iomode == IoMode.IOM_CACHED ? 1 : ff.iomode == IoMode.IOM_UNCACHED ? -1 : 0;
        }
      }
      for (UserThread t : k.threads.values()) {
        expected -= t.task == null ? 0 : t.task.uncachedRefs(fi);
      }
      if (fi.test(FuseInode.FUSE_I_PASSTHROUGH) && !k.inodePt.mixed()) {
        expected--; // v2 05/21: the inode's own reference for its lifetime backing
      }
      if (fi.iocachectr != expected) {
        return fi + ": iocachectr=" + fi.iocachectr + " but its files and writes give " + expected;
      }
    }
    return null;
  }

  private static String cacheIoModeBit(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      boolean bit = fi.test(FuseInode.FUSE_I_CACHE_IO_MODE);
      boolean waiter = false;
      WaitQueue q = new WaitQueue(fi, WaitQueue.Kind.DIRECT_IO_WAITQ);
      for (UserThread t : k.threads.values()) {
        waiter |= t.task != null && q.equals(t.task.sleepOn);
      }
      boolean expected = fi.iocachectr > 0 || waiter;
      if (bit != expected) {
        return fi + ": FUSE_I_CACHE_IO_MODE=" + bit + " with iocachectr=" + fi.iocachectr
            + (waiter ? " and a cached opener waiting" : "");
      }
    }
    return null;
  }

  private static String backingRefcount(Kernel k) {
    for (FuseBacking fb : k.allBackings) {
      if (fb.freed) {
        continue;
      }
      int holders = k.fc.backingFilesMap.get(fb.label) == fb ? 1 : 0;
      for (FuseInode fi : k.allInodes) {
        holders += fi.fb == fb ? 1 : 0;
      }
      if (fb.count != holders) {
        return fb + ": refcount " + fb.count + " but " + holders + " holder(s)";
      }
    }
    return null;
  }

  private static String backingNoUseAfterFree(Kernel k) {
    for (FuseBacking fb : k.fc.backingFilesMap.values()) {
      if (fb.freed || fb.count <= 0) {
        return "idr id " + fb.label + " points to a freed fuse_backing";
      }
    }
    for (FuseInode fi : k.allInodes) {
      if (fi.fb != null && (fi.fb.freed || fi.fb.count <= 0)) {
        return fi + ": fi->fb is a freed " + fi.fb;
      }
    }
    for (FuseBacking fb : k.allBackings) {
      if (fb.count < 0) {
        return fb + ": refcount " + fb.count;
      }
    }
    return null;
  }

  private static String nothingLeaked(Kernel k) {
    if (!k.unmounted) {
      return null;
    }
    if (!k.allInodes.isEmpty()) {
      return k.allInodes.get(0) + " was never evicted";
    }
    if (!k.openFiles.isEmpty()) {
      return k.openFiles.get(0) + " was never released";
    }
    for (FuseBacking fb : k.allBackings) {
      if (!fb.freed) {
        return fb + " was never freed (refcount " + fb.count + ")";
      }
    }
    return null;
  }

  private static String nlookupBalance(Kernel k) {
    if (!k.mounted || k.unmounted || !k.fc.connected || !k.server.alive) {
      return null;
    }
    Map<Long, Long> kernel = new HashMap<>();
    for (FuseInode fi : k.allInodes) {
      if (fi.nlookup != 0) {
        kernel.merge(fi.nodeid, fi.nlookup, Long::sum);
      }
    }
    if (kernel.equals(k.server.nlookup)) {
      return null;
    }
    for (Map.Entry<Long, Long> e : k.server.nlookup.entrySet()) {
      long kn = kernel.getOrDefault(e.getKey(), 0L);
      if (kn != e.getValue()) {
        return "nodeid " + e.getKey() + ": server counts " + e.getValue() + " lookups, kernel holds " + kn;
      }
    }
    for (Map.Entry<Long, Long> e : kernel.entrySet()) {
      if (!k.server.nlookup.containsKey(e.getKey())) {
        return "nodeid " + e.getKey() + ": kernel holds " + e.getValue() + " lookups the server never gave";
      }
    }
    return null;
  }

  /**
   * PT-BYPASS, incrementally: the newest READ/WRITE in the log whose (nodeid, fh) names an open
   * passthrough file without FOPEN_DIRECT_IO whose backing grants that direction. The log only grows, so each kernel's requests are
   * read once ({@link BypassIndex}); the open files are looked at every step. Same verdicts and
   * details as {@link #passthroughBypassFullScan}, which it replaced (a test compares them).
   */
  private static String passthroughBypass(Kernel k) {
    BypassIndex idx = BypassIndex.of(k);
    FuseFile found = null;
    int foundAt = -1;
    for (FuseFile ff : k.openFiles) {
      if (ff.passthrough != null && (ff.openFlags & fusesim.model.fuse.Iomode.FOPEN_DIRECT_IO) == 0) {
        // v2 09/21: only the directions the backing grants pass through
        int at = Math.max(
            k.inodePt.passesThrough(ff, fusesim.model.series.InodePassthrough.OP_READ) ? idx.newest(ff.nodeid, ff.fh, Opcode.READ) : -1,
            k.inodePt.passesThrough(ff, fusesim.model.series.InodePassthrough.OP_WRITE) ? idx.newest(ff.nodeid, ff.fh, Opcode.WRITE) : -1);
        if (at > foundAt) {
          foundAt = at;
          found = ff;
        }
      }
    }
    return found == null ? null
        : k.log.get(foundAt).opcode + " sent for passthrough " + found + " of " + found.inode;
  }

  /** The first form of PT-BYPASS: scans the whole request log every step. Kept for the tests. */
  public static String passthroughBypassFullScan(Kernel k) {
    for (int i = k.log.size() - 1; i >= 0; i--) {
      Request r = k.log.get(i);
      if (r.opcode != Opcode.READ && r.opcode != Opcode.WRITE) {
        continue;
      }
      long fh = r.args[2];
      for (FuseFile ff : k.openFiles) {
        if (ff.nodeid == r.nodeid && ff.fh == fh && ff.passthrough != null
            && (ff.openFlags & fusesim.model.fuse.Iomode.FOPEN_DIRECT_IO) == 0
            && k.inodePt.passesThrough(ff, r.opcode == Opcode.READ
                ? fusesim.model.series.InodePassthrough.OP_READ : fusesim.model.series.InodePassthrough.OP_WRITE)) {
          return r.opcode + " sent for passthrough " + ff + " of " + ff.inode;
        }
      }
    }
    return null;
  }

  /**
   * The READ and WRITE requests of one kernel's log, indexed by (nodeid, fh) → the newest log
   * index. Kept per thread for the last kernel checked (a run checks one kernel step after step);
   * another kernel, or a log that shrank or was rewritten, is indexed again from the start.
   */
  static final class BypassIndex {
    private static final ThreadLocal<BypassIndex> LAST = new ThreadLocal<>();

    private final java.lang.ref.WeakReference<Kernel> kernel;
    private final Map<Long, Map<Long, Integer>> newestRead = new HashMap<>();
    private final Map<Long, Map<Long, Integer>> newestWrite = new HashMap<>();
    private int scanned;
    private Request last;

    private BypassIndex(Kernel k) {
      this.kernel = new java.lang.ref.WeakReference<>(k);
    }

    static BypassIndex of(Kernel k) {
      BypassIndex idx = LAST.get();
      if (idx == null || idx.kernel.get() != k || idx.scanned > k.log.size()
          || (idx.scanned > 0 && k.log.get(idx.scanned - 1) != idx.last)) {
        idx = new BypassIndex(k);
        LAST.set(idx);
      }
      idx.catchUp(k.log);
      return idx;
    }

    private void catchUp(List<Request> log) {
      for (int i = scanned; i < log.size(); i++) {
        Request r = log.get(i);
        if (r.opcode == Opcode.READ || r.opcode == Opcode.WRITE) {
          (r.opcode == Opcode.READ ? newestRead : newestWrite).computeIfAbsent(r.nodeid, n -> new HashMap<>())
              .put(r.args[2], i);
        }
      }
      scanned = log.size();
      last = scanned == 0 ? null : log.get(scanned - 1);
    }

    /** The newest log index of a READ (or WRITE) for (nodeid, fh), or -1. */
    int newest(long nodeid, long fh, Opcode op) {
      Map<Long, Integer> byFh = (op == Opcode.READ ? newestRead : newestWrite).get(nodeid);
      Integer i = byFh == null ? null : byFh.get(fh);
      return i == null ? -1 : i;
    }
  }

  private static String passthroughNoPageCache(Kernel k) {
    for (FuseFile ff : k.openFiles) {
      if (ff.passthrough != null && ff.pagesAtOpen > 0) {
        return ff + " was opened for passthrough on " + ff.inode + " with " + ff.pagesAtOpen
            + " cached page(s) kept";
      }
    }
    return null;
  }

  private static String dentryRevalidation(Kernel k) {
    return k.root == null ? null : dentryRevalidation(k.root);
  }

  private static String dentryRevalidation(Dentry d) {
    if (d.inode != null && d.revalNodeid != 0 && d.revalNodeid != d.inode.nodeid) {
      return d + " was revalidated for nodeid " + d.revalNodeid + " but still names " + d.inode;
    }
    for (Dentry c : d.children.values()) {
      String v = dentryRevalidation(c);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
