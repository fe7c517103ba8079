package fusesim.invariants;

import fusesim.model.series.Assumption;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.fuse.Request;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants the series claims (FUSE_PASSTHROUGH_INO, v2 01-20/21). Each is vacuous where its
 * patch is not applied, so they run on every semantics; on mainline they cannot fail.
 */
public final class SeriesInvariants {
  private SeriesInvariants() {}

  public static final Invariant INO_MAP = new Invariant("INO-MAP",
      "under FUSE_PASSTHROUGH_INO a lifetime backing's inode number equals its fuse inode's (A1), "
          + "and two live fuse inodes share a lifetime backing only if they are the same inode",
      "v2 01/21 commit message: \"the backing file inode number must match the fuse inode number\"; "
          + "Amir: \"nodeid == st_ino\" (v2 01/21; S12 in traces/corpus/v2/README.md)",
      SeriesInvariants::inoMap);

  public static final Invariant LIFETIME_BACKING = new Invariant("LIFETIME-BACKING",
      "a lifetime backing is set once: it stays the inode's fi->fb until eviction, and the inode "
          + "stays in uncached io mode (iocachectr <= -1) meanwhile",
      "v2 05/21, 07/21: \"backing inode is set once for the lifetime of the inode\" (S11); v2 "
          + "changelog: not mixing cached io mode with passthrough mode",
      SeriesInvariants::lifetimeBacking);

  public static final Invariant ATTR_COHERENCE = new Invariant("ATTR-COHERENCE",
      "stat of an inode whose lifetime backing grants GETATTR returns the backing inode's "
          + "attributes (ino, size, mode, owner, times) at that moment",
      "v2 06/21 (passthrough getattr/statx); cover letter: generic/080, 215 pass",
      SeriesInvariants::attrCoherence);

  public static final Invariant PT_BYPASS_INODE = new Invariant("PT-BYPASS-INODE",
      "no GETATTR (after 06) or SETATTR (after 19) request is sent for an inode whose lifetime "
          + "backing grants that op",
      "v2 06/21, 19/21, 20/21 (the suid/sgid kill's GETATTR goes to the backing from 20)",
      k -> k.bypassMisses.isEmpty() ? null : describe(k.bypassMisses.get(0)));

  public static final Invariant SUID_SGID_DROP = new Invariant("SUID-SGID-DROP",
      "after a successful write, fallocate or truncate by a thread without CAP_FSETID, an inode "
          + "whose setattr is passed through has no S_ISUID, and no S_ISGID if it is "
          + "group-executable or the caller is not in its group (the fstests generic/683-685 table)",
      "v2 19/21, 20/21; cover letter: generic/683, 684, 685 now pass; fstests 683.out "
          + "(kdave/xfstests, FstestsSuidSgid); fs/attr.c setattr_should_drop_suidgid()",
      SeriesInvariants::suidSgidDrop);

  public static final Invariant MTIME_MAPPED_WRITE = new Invariant("MTIME-MAPPED-WRITE",
      "a stat after a store through a shared mapping of an inode whose lifetime backing grants "
          + "GETATTR shows mtime and ctime no older than the store",
      "v2 06/21; cover letter: fstests generic/080 (\"verify that mtime is updated when writing "
          + "to mmap-ed pages\") and 215 (\"c/mtime updates after mapped writes\") now pass, "
          + "compared with passthrough_hp without inode ops (kdave/xfstests generic/683-685)",
      SeriesInvariants::mtimeMappedWrite);

  public static final List<Invariant> ALL = List.of(INO_MAP, LIFETIME_BACKING, ATTR_COHERENCE,
      PT_BYPASS_INODE, SUID_SGID_DROP, MTIME_MAPPED_WRITE);

  /**
   * The privilege bits a write-like call must have removed, as fstests generic/683-685 expect
   * them (a kernel of 6.2 or later, fs/attr.c): none for a caller with CAP_FSETID; else S_ISUID,
   * and S_ISGID when group-executable or when the caller is not in the file's group.
   */
  public static int bitsToDrop(int mode, int fileGid, int callerGid, boolean capable) {
    if (capable) {
      return 0;
    }
    int drop = mode & Lower.S_ISUID;
    boolean sgid = (mode & Lower.S_ISGID) != 0;
    if (sgid && ((mode & Lower.S_IXGRP) != 0 || callerGid != fileGid)) {
      drop |= Lower.S_ISGID;
    }
    return drop;
  }

  private static String describe(Request r) {
    return r.observable() + " sent for inode " + r.nodeid + " whose lifetime backing grants it";
  }

  private static String inoMap(Kernel k) {
    if (!k.fc.passthroughIno) {
      return null;
    }
    Map<FuseBacking, FuseInode> owner = new IdentityHashMap<>();
    for (FuseInode fi : k.allInodes) {
      FuseBacking fb = k.inodePt.fuseInodePassthrough(fi);
      if (fb == null || fi.isBad()) {
        continue;
      }
      long want = k.sem.is(Assumption.INO_RULE, "nodeid") ? fi.nodeid : fi.attr.ino();
      if (fb.file.ino != want || k.sem.is(Assumption.INO_RULE, "both") && fb.file.ino != fi.nodeid) {
        return fi + ": i_ino=" + fi.attr.ino() + " but its lifetime " + fb + " has ino " + fb.file.ino;
      }
      FuseInode other = owner.putIfAbsent(fb, fi);
      if (other != null && other.hashed && fi.hashed) {
        return other + " and " + fi + " share lifetime " + fb;
      }
    }
    return null;
  }

  private static String lifetimeBacking(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      if (fi.lifetimeFb == null) {
        continue;
      }
      if (!fi.test(FuseInode.FUSE_I_PASSTHROUGH) || fi.fb != fi.lifetimeFb) {
        return fi + ": lifetime " + fi.lifetimeFb + " replaced by " + fi.fb + " before eviction";
      }
      if (fi.iocachectr > -1 && !k.inodePt.mixed()) {
        return fi + ": lifetime " + fi.fb + " but iocachectr=" + fi.iocachectr;
      }
    }
    return null;
  }

  private static String mtimeMappedWrite(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      FuseAttr got = fi.ghostStatAfterStore;
      long at = fi.ghostStatAfterStoreAt;
      if (got != null && (got.mtime() < at || got.ctime() < at)) {
        return fi + ": stat after a mapped store at " + at + "ns returned mtime=" + got.mtime()
            + " ctime=" + got.ctime();
      }
    }
    return null;
  }

  private static String suidSgidDrop(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      FuseInode.PrivDrop d = fi.ghostPrivDrop;
      if (d == null || !d.setattrPassthrough()) {
        continue;
      }
      // the mode after the call must be a fixed point of the rule: nothing left to drop
      int left = bitsToDrop(d.mode(), d.fileGid(), d.gid(), d.capable());
      if (left != 0) {
        return fi + ": " + d.call() + " by uid " + d.uid() + " left mode 0"
            + Integer.toOctalString(d.mode()) + " on its backing (0" + Integer.toOctalString(left)
            + " should have been dropped)";
      }
    }
    return null;
  }

  private static String attrCoherence(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      FuseAttr got = fi.ghostStatReturned;
      FuseAttr want = fi.ghostStatBacking;
      if (got == null) {
        continue;
      }
      int perm = 07777;
      if (got.ino() != want.ino() || got.size() != want.size()
          || (got.mode() & perm) != (want.mode() & perm) || got.uid() != want.uid()
          || got.gid() != want.gid() || got.mtime() != want.mtime() || got.ctime() != want.ctime()) {
        return fi + ": stat returned " + got + " but the backing inode has " + want;
      }
    }
    return null;
  }
}
