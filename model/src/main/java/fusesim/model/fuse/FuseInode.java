package fusesim.model.fuse;

import fusesim.model.Lower;
import fusesim.model.Mirrors;
import java.util.BitSet;

/**
 * struct fuse_inode together with the VFS struct inode fields the model needs.
 */
public final class FuseInode {
  /** enum iomode of fs/fuse/iomode.c lives on the file; the inode keeps the counter. */
  public static final int FUSE_I_ADVISE_RDPLUS = 0;
  /** Set on an inode linked by READDIRPLUS under READDIRPLUS_AUTO (fuse_direntplus_link). */
  public static final int FUSE_I_INIT_RDPLUS = 1;
  public static final int FUSE_I_SIZE_UNSTABLE = 2;
  public static final int FUSE_I_BAD = 3;
  public static final int FUSE_I_CACHE_IO_MODE = 5;
  /**
   * v2 05/21, 07/21 (SEEN-pre S11: the bit of Amir's branch): fi->fb is the inode's lifetime
   * backing, attached at lookup and kept until eviction.
   */
  public static final int FUSE_I_PASSTHROUGH = 8;

  /** Model identity for reports; the kernel's inode pointer. */
  public final int serial;
  public final long nodeid;
  /** i_generation. */
  public final long generation;
  public long nlookup;
  /** Attributes as cached in the inode (i_ino, i_mode, i_size, ...). */
  public FuseAttr attr;
  /** fi->i_time: attribute expiry, in model nanoseconds; 0 = expired. */
  public long iTime;
  /** fi->inval_mask: the STATX_* attributes that must be fetched from the server again. */
  public int invalMask;
  public long attrVersion;
  /** > 0 cached opens; < 0 passthrough opens plus parallel dio writes in flight. */
  public int iocachectr;
  /** fi->state bits. */
  public int state;
  /** fi->fb. */
  public FuseBacking fb;
  /** i_count: references from dentries, open files, pending RELEASE. */
  public int iCount;
  /** Still in the inode hash (fuse_iget finds it). */
  public boolean hashed = true;
  /** Evicted: fuse_evict_inode has run. */
  public boolean evicted;
  /** The page cache: which 4 KiB pages are cached. */
  public final BitSet pages = new BitSet();
  /** The page cache's data: valid only in the pages {@link #pages} marks uptodate. */
  public final fusesim.model.FileData cache = new fusesim.model.FileData();
  /** The inode rwsem: holders > 0 shared, -1 exclusive. */
  public int rwsem;
  /**
   * The rwsem's waiters in the order they began to wait ("T2:w", "T3:r"): the lock goes to them
   * first come, first served (kernel/locking/rwsem.c queues waiters in order).
   */
  public final java.util.List<String> rwsemWaiters = new java.util.ArrayList<>();
  /** fi->mutex for fuse_lock_inode (directories, without parallel_dirops). */
  public String mutexOwner;
  /**
   * Ghost (no kernel field): the lifetime backing first attached, for the set-once invariant. It
   * stays set after eviction.
   */
  public FuseBacking lifetimeFb;
  /**
   * Ghost: the attributes the last stat of this inode returned while its lifetime backing granted
   * GETATTR, and the backing inode's attributes at that moment (ATTR-COHERENCE).
   */
  public FuseAttr ghostStatReturned;
  public FuseAttr ghostStatBacking;
  /**
   * Ghost (MTIME-MAPPED-WRITE, fstests generic/080 and 215): the clock at the last store through a
   * shared mapping of this inode (-1: none), and the attributes the first stat after it returned
   * while the inode's lifetime backing granted GETATTR, with the store's time.
   */
  public long ghostMappedStoreAt = -1;
  public FuseAttr ghostStatAfterStore;
  public long ghostStatAfterStoreAt;
  /**
   * Ghost: the last successful write, fallocate or truncate that asked
   * dentry_needs_remove_privs() about this inode, and the mode it left (SUID-SGID-DROP).
   */
  public PrivDrop ghostPrivDrop;

  /**
   * What a write-like syscall left: the caller's credentials, whether the inode's setattr was
   * passed through to its backing (v2 19/21) when it returned, and the mode then (the backing
   * inode's when passed through, else the fuse inode's).
   */
  public record PrivDrop(String call, int uid, int gid, boolean capable, boolean setattrPassthrough,
      int mode, int fileGid) {
  }
  /** Open fuse files that map the inode writable shared (fi->write_files is not modelled). */
  public int openCount;

  public FuseInode(int serial, long nodeid, long generation, FuseAttr attr) {
    this.serial = serial;
    this.nodeid = nodeid;
    this.generation = generation;
    this.attr = attr;
  }

  public boolean test(int bit) {
    return (state & (1 << bit)) != 0;
  }

  public void set(int bit) {
    state |= 1 << bit;
  }

  public void clear(int bit) {
    state &= ~(1 << bit);
  }

  public boolean isLnk() {
    return (attr.mode() & Lower.S_IFMT) == Lower.S_IFLNK;
  }

  public boolean isDir() {
    return (attr.mode() & Lower.S_IFMT) == Lower.S_IFDIR;
  }

  public boolean isReg() {
    return (attr.mode() & Lower.S_IFMT) == Lower.S_IFREG;
  }

  /** fuse_is_bad(). */
  @Mirrors(fn = "fuse_is_bad", file = "fs/fuse/fuse_i.h",
      doc = "FUSE_I_BAD is set.")
  public boolean isBad() {
    return test(FUSE_I_BAD);
  }

  @Override
  public String toString() {
    return "inode " + nodeid + (generation != 0 ? "/gen" + generation : "") + "#" + serial;
  }

  /** fuse_valid_type() && fuse_valid_size(), negated: fuse_invalid_attr(). */
  @Mirrors(fn = "fuse_invalid_attr", file = "fs/fuse/fuse_i.h",
      doc = "Not fuse_valid_type() && fuse_valid_size(): mode 0 or a size above LLONG_MAX.")
  public static boolean fuseInvalidAttr(FuseAttr a) {
    int t = a.mode() & Lower.S_IFMT;
    boolean validType = t == Lower.S_IFREG || t == Lower.S_IFDIR || t == Lower.S_IFLNK
        || t == Lower.S_IFCHR || t == 0060000 || t == Lower.S_IFIFO || t == 0140000;
    return !validType || a.size() < 0; // size > LLONG_MAX
  }

  /** fuse_make_bad(). */
  @Mirrors(fn = "fuse_make_bad", file = "fs/fuse/fuse_i.h",
      doc = "Set FUSE_I_BAD: later operations on the inode fail with EIO.")
  public void fuseMakeBad() {
    set(FUSE_I_BAD);
  }
}
