package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.series.Assumption;
import fusesim.model.series.BackingInode;
import fusesim.model.series.InodePassthrough;
import fusesim.model.vfs.Attr;
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.Namei;

/**
 * fs/fuse/dir.c: lookup, dentry revalidation, getattr and setattr (the sub-machines {@link
 * GetattrOp} and {@link SetattrOp}), and the syscalls whose inode operation is here: access(2),
 * mkdir(2), mknod(2), symlink(2), link(2), readlink(2), unlink(2), rmdir(2). Each function that
 * sends a request is split at the request: the state machine sends it, and the {@code ...Reply}
 * method is the code after fuse_simple_request() returns.
 *
 * <p>Over 600 lines because it mirrors fs/fuse/dir.c, about 2,400 lines in v6.18.
 */
public final class Dir {
  private static final String C = "fs/fuse/dir.c:";

  /** FATTR_* bits of fuse_setattr_in.valid. */
  public static final long FATTR_MODE = 1, FATTR_UID = 2, FATTR_GID = 4, FATTR_SIZE = 8,
      FATTR_ATIME = 16, FATTR_MTIME = 32, FATTR_FH = 64, FATTR_ATIME_NOW = 128, FATTR_MTIME_NOW = 256,
      FATTR_LOCKOWNER = 512, FATTR_KILL_SUIDGID = 2048;
  /** fuse_getattr_in.getattr_flags: fh is valid. */
  public static final long FUSE_GETATTR_FH = 1;
  /** ATTR_* bits of struct iattr (include/linux/fs.h). */
  public static final int ATTR_MODE = 1, ATTR_UID = 2, ATTR_GID = 4, ATTR_SIZE = 8,
      ATTR_ATIME = 16, ATTR_MTIME = 32, ATTR_CTIME = 64, ATTR_ATIME_SET = 128, ATTR_MTIME_SET = 256,
      ATTR_FORCE = 512, ATTR_KILL_SUID = 2048, ATTR_KILL_SGID = 4096, ATTR_FILE = 8192,
      ATTR_KILL_PRIV = 16384, ATTR_OPEN = 32768, ATTR_TIMES_SET = 1 << 16, ATTR_TOUCH = 1 << 17;
  /** STATX bits kept in fi->inval_mask. */
  public static final int STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80,
      STATX_SIZE = 0x200, STATX_BLOCKS = 0x400, STATX_BASIC_STATS = 0x7ff;
  public static final int FUSE_STATX_MODSIZE = STATX_MTIME | STATX_CTIME | STATX_BLOCKS | STATX_SIZE;

  /** Outcome of fuse_dentry_revalidate() before or after its LOOKUP. */
  public enum Reval { VALID, INVALID, NEED_LOOKUP }

  private final Kernel k;

  public Dir(Kernel k) {
    this.k = k;
  }

  /**
   * fuse_dentry_revalidate(), the part before the request: stale epoch or bad inode is invalid;
   * an expired entry (or LOOKUP_EXCL) needs a LOOKUP, except a negative one, which is invalid.
   */
  @Mirrors(fn = "fuse_dentry_revalidate", file = "fs/fuse/dir.c",
      doc = "Before the request: stale epoch or bad inode is invalid; an expired entry sends "
          + "LOOKUP.")
  public Reval fuseDentryRevalidate(Dentry d, boolean lookupExcl) {
    if (d.dTime < k.fc.epoch) {
      return Reval.INVALID;
    }
    if (d.inode != null && d.inode.isBad()) {
      return Reval.INVALID;
    }
    if (d.time < k.now || lookupExcl) {
      return d.inode == null ? Reval.INVALID : Reval.NEED_LOOKUP;
    }
    if (d.inode != null && d.inode.test(FuseInode.FUSE_I_INIT_RDPLUS)) {
      d.inode.clear(FuseInode.FUSE_I_INIT_RDPLUS); // a readdirplus'd entry is used: advise the dir
      fuseAdviseUseReaddirplus(d.parent.inode);
    }
    return Reval.VALID;
  }

  /**
   * fuse_dentry_revalidate() after its LOOKUP: a different nodeid is forgotten at once and the
   * dentry is invalid; the same nodeid counts a lookup; errors, invalid attributes and a stale
   * inode (generation or type change) make it invalid. Returns VALID or INVALID (ENOMEM and
   * EINTR, which the kernel returns as errors without invalidating, cannot happen in the model).
   */
  @Mirrors(fn = "fuse_dentry_revalidate (after LOOKUP)", file = "fs/fuse/dir.c", patches = {11},
      doc = "A different nodeid is forgotten at once and invalidates; else nlookup++ and the "
          + "timeouts are renewed.")
  public Reval fuseDentryRevalidateReply(Dentry d, Request r, long attrVersion) {
    FuseInode fi = d.inode;
    int ret = r.error();
    Reply.Entry e = r.reply instanceof Reply.Entry ? (Reply.Entry) r.reply : null;
    if (ret == 0 && e != null && e.nodeid() == 0) {
      ret = -Errno.ENOENT.value; // zero nodeid is the same as -ENOENT
    }
    if (ret == 0) {
      if (e.nodeid() != fi.nodeid && !k.faults.on(Fault.REVALIDATE_KEEPS_CHANGED_NODEID)) {
        k.dev.queueForget(e.nodeid(), 1);
        return Reval.INVALID;
      }
      if (e.nodeid() == fi.nodeid) {
        fi.nlookup++;
      }
    }
    if (ret != 0 || FuseInode.fuseInvalidAttr(e.attr())
        || (e.nodeid() == fi.nodeid && Inode.fuseStaleInode(fi, e.generation(), e.attr()))) {
      return Reval.INVALID;
    }
    if (revalidateBacking(fi, e) != 0) {
      return Reval.INVALID;
    }
    k.inodes.fuseChangeAttributes(fi, e.attr(), entryAttrValid(e), attrVersion);
    fuseChangeEntryTimeout(d, e);
    d.revalNodeid = e.nodeid();
    return Reval.VALID;
  }

  /**
   * v2 11/21 with A8: what a revalidating LOOKUP does with the entry2 backing_id of the same
   * inode. Returns 0 (keep the dentry) or nonzero (invalidate it).
   */
  @Mirrors(fn = "fuse_dentry_revalidate (entry2 backing_id)", file = "fs/fuse/dir.c",
      patches = {11}, doc = "A revalidating LOOKUP's backing_id is attached, ignored or makes the "
          + "dentry invalid (A8).")
  int revalidateBacking(FuseInode fi, Reply.Entry e) {
    if (!k.sem.has(11) || !k.fc.passthroughIno || e.backingId() == 0
        || k.sem.is(Assumption.REVALIDATE_BACKING, "ignore")) {
      return 0;
    }
    if (k.sem.is(Assumption.REVALIDATE_BACKING, "invalidate")) {
      return k.inodePt.fuseInodePassthrough(fi) == null ? 1 : 0;
    }
    int err = k.inodePt.attachLifetimeBacking(fi, e.backingId());
    // The lookup counted by this reply stays on the inode (FORGET at eviction), as for a stale
    // inode in mainline; a failure only makes the dentry invalid.
    return k.sem.is(Assumption.ATTACH_FAILURE, "fail-lookup") ? err : 0;
  }

  /** fuse_lookup() → fuse_lookup_name(): LOOKUP(parent, name) for a dentry in lookup. */
  @Mirrors(fn = "fuse_lookup", file = "fs/fuse/dir.c",
      doc = "->lookup of a dentry not in the cache: send LOOKUP(parent, name).")
  public Request fuseLookup(Syscall s, Dentry d) {
    return k.dev.send(s, Opcode.LOOKUP, d.parent.inode.nodeid, d.name);
  }

  /**
   * fuse_lookup_name() after its LOOKUP, then the rest of fuse_lookup(): ENOENT becomes a
   * negative dentry with no valid timeout; nodeid 0 a negative dentry cached for entry_valid;
   * invalid attributes are EIO (no FORGET: the kernel drops the entry); a child with nodeid 1 is
   * EIO. Returns 0 or -errno; on success {@code d} is instantiated. {@code evictCtr} is the
   * fc->evict_ctr sampled before the LOOKUP was sent (see {@link Inode#fuseIget}).
   */
  @Mirrors(fn = "fuse_lookup_name", file = "fs/fuse/dir.c", patches = {13},
      doc = "After LOOKUP: ENOENT gives a negative dentry; invalid attributes or nodeid 1 give "
          + "EIO; else fuse_iget.")
  public int fuseLookupReply(Dentry d, Request r, long attrVersion, long epoch, long evictCtr) {
    int err = r.error();
    Reply.Entry e = r.reply instanceof Reply.Entry ? (Reply.Entry) r.reply : null;
    if (err == -Errno.ENOENT.value) {
      d.dTime = epoch;
      d.time = 0; // fuse_invalidate_entry_cache()
      return 0;
    }
    if (err != 0) {
      return err;
    }
    if (e.nodeid() == 0) {
      d.dTime = epoch;
      fuseChangeEntryTimeout(d, e);
      return 0;
    }
    if (FuseInode.fuseInvalidAttr(e.attr())) {
      return -Errno.EIO.value;
    }
    long generation = e.nodeid() == 1 ? 0 : e.generation(); // root generation should be zero
    FuseInode inode = k.inodes.fuseIget(e.nodeid(), generation, e.attr(), entryAttrValid(e), attrVersion,
        evictCtr);
    if (inode.nodeid == 1) {
      k.icache.iput(inode); // out_iput: a child may not be the root
      return -Errno.EIO.value;
    }
    int pt = entryAttach(inode, e);
    if (pt != 0) {
      return pt;
    }
    d.inode = inode; // d_splice_alias()
    d.dTime = epoch;
    fuseChangeEntryTimeout(d, e);
    fuseAdviseUseReaddirplus(d.parent.inode); // fuse_lookup(): a positive entry
    return 0;
  }

  /**
   * v2 13/21 (lookup), 14/21 (entry creation), 11/21 (revalidation, A8): attach the entry2 reply's
   * backing_id for the inode's lifetime. A failure fails the lookup with FORGET(nodeid, 1) and iput
   * (A5 fail-lookup, Amir's R3) or leaves the inode without passthrough (A5 degrade). Returns 0 or
   * the errno for the user (A4).
   */
  @Mirrors(fn = "fuse_lookup_name (entry2 backing_id)", file = "fs/fuse/dir.c", patches = {13, 14},
      doc = "An entry2 reply's backing_id is attached to the inode for its lifetime (any type, "
          + "A20); a failed attach fails the lookup and gives back its lookup count (A5, A4).")
  public int entryAttach(FuseInode inode, Reply.Entry e) {
    if (!k.sem.has(13) || !k.fc.passthroughIno || e.backingId() == 0) {
      return 0;
    }
    if (!inode.isReg() && !inode.isDir() && k.sem.is(Assumption.ENTRY_BACKING_TYPE, "ignore")) {
      return 0; // A20
    }
    int err = k.inodePt.attachLifetimeBacking(inode, e.backingId());
    if (err == 0) {
      k.inodePt.attrsFromBacking(inode); // the reply's attributes were applied before the attach
      return 0;
    }
    k.note("failed to attach backing " + e.backingId() + " to " + inode + " (err=" + err + ")");
    if (k.sem.is(Assumption.ATTACH_FAILURE, "degrade")) {
      return 0;
    }
    inode.nlookup--; // fuse_queue_forget(fc, forget, nodeid, 1) + iput (R3)
    if (!k.faults.on(Fault.ATTACH_FAILURE_NO_FORGET)) {
      k.dev.queueForget(inode.nodeid, 1);
    }
    k.icache.iput(inode);
    return k.inodePt.attachErrno(err);
  }

  /**
   * The attribute timeout an entry reply gives: fuse_entry2_out's statx without
   * STATX_BASIC_STATS is not cached under A9 require-basic-stats (v2 10/21).
   */
  @Mirrors(fn = "fuse_statx_to_attr (entry2)", file = "fs/fuse/dir.c", patches = {10},
      doc = "Attributes of an entry2 reply come from its fuse_statx; with statx.mask short of "
          + "STATX_BASIC_STATS they are cached or not per A9.")
  public long entryAttrValid(Reply.Entry e) {
    if (k.sem.has(10) && k.fc.passthroughIno
        && (e.statxMask() & STATX_BASIC_STATS) != STATX_BASIC_STATS
        && k.sem.is(Assumption.ENTRY2_STATX_MASK, "require-basic-stats")) {
      return 0;
    }
    return e.attrValidNs();
  }

  /** fuse_change_entry_timeout(). */
  @Mirrors(fn = "fuse_change_entry_timeout", file = "fs/fuse/dir.c",
      doc = "Set the dentry's expiry from the entry reply's entry_valid.")
  public void fuseChangeEntryTimeout(Dentry d, Reply.Entry e) {
    d.time = timeToExpiry(e.entryValidNs());
  }

  /**
   * fuse_update_get_attr(), the decision: fetch from the server if any requested attribute is
   * invalid, or the attributes expired.
   */
  @Mirrors(fn = "fuse_update_get_attr", file = "fs/fuse/dir.c",
      doc = "GETATTR needed if a requested attribute is invalid or the attributes expired.")
  public boolean fuseUpdateGetAttrNeedsSync(FuseInode fi, int requestMask) {
    if ((requestMask & fi.invalMask) != 0) {
      return true;
    }
    return fi.iTime < k.now;
  }

  /**
   * fuse_do_getattr() after its GETATTR: invalid attributes or a type change make the inode bad
   * (EIO); otherwise the attributes are applied (unless a newer local change won).
   */
  @Mirrors(fn = "fuse_do_getattr", file = "fs/fuse/dir.c", patches = {6},
      doc = "After GETATTR: invalid attributes or a type change make the inode bad (EIO); else "
          + "apply them.")
  public int fuseDoGetattrReply(FuseInode fi, Request r, long attrVersion) {
    int err = r.error();
    if (err != 0) {
      return err;
    }
    Reply.AttrOut out = (Reply.AttrOut) r.reply;
    if (FuseInode.fuseInvalidAttr(out.attr())
        || (fi.attr.mode() & Lower.S_IFMT) != (out.attr().mode() & Lower.S_IFMT)) {
      fi.fuseMakeBad();
      return -Errno.EIO.value;
    }
    k.inodes.fuseChangeAttributes(fi, out.attr(), out.attrValidNs(), attrVersion);
    return 0;
  }

  /**
   * iattr_to_fattr() plus the FATTR_FH / LOCKOWNER / KILL_SUIDGID additions of fuse_do_setattr().
   */
  @Mirrors(fn = "iattr_to_fattr", file = "fs/fuse/dir.c",
      doc = "The SETATTR valid mask, plus FATTR_FH, LOCKOWNER and KILL_SUIDGID from "
          + "fuse_do_setattr().")
  public long fuseSetattrValid(FuseInode fi, int iaValid, boolean withFile, boolean capable) {
    long valid = 0;
    if ((iaValid & ATTR_MODE) != 0) {
      valid |= FATTR_MODE;
    }
    if ((iaValid & ATTR_UID) != 0) {
      valid |= FATTR_UID;
    }
    if ((iaValid & ATTR_GID) != 0) {
      valid |= FATTR_GID;
    }
    if ((iaValid & ATTR_SIZE) != 0) {
      valid |= FATTR_SIZE | FATTR_LOCKOWNER;
      if (k.fc.handleKillprivV2 && !capable) {
        valid |= FATTR_KILL_SUIDGID;
      }
    }
    if ((iaValid & ATTR_ATIME) != 0) {
      // utimensat(2): a time the caller gave (ATTR_ATIME_SET) goes as is, else the server's now
      valid |= FATTR_ATIME | ((iaValid & ATTR_ATIME_SET) == 0 ? FATTR_ATIME_NOW : 0);
    }
    if ((iaValid & ATTR_MTIME) != 0 && updateMtime(iaValid)) {
      // no writeback cache (trust_local_cmtime false): _NOW unless the caller gave the time
      valid |= FATTR_MTIME | ((iaValid & ATTR_MTIME_SET) == 0 ? FATTR_MTIME_NOW : 0);
    }
    if (withFile) {
      valid |= FATTR_FH;
    }
    if (k.fc.handleKillprivV2 && !fi.isDir() && (iaValid & (ATTR_UID | ATTR_GID)) != 0) {
      valid |= FATTR_KILL_SUIDGID;
    }
    return valid;
  }

  /**
   * update_mtime() without writeback cache (trust_local_mtime false, which passthrough needs): an
   * open(O_TRUNC) or an ftruncate() (ATTR_SIZE with ATTR_OPEN or ATTR_FILE) does not send mtime;
   * ATTR_MTIME_SET (utimensat(2) with a time) always does.
   */
  @Mirrors(fn = "update_mtime", file = "fs/fuse/dir.c",
      doc = "No FATTR_MTIME for open(O_TRUNC) and ftruncate(); truncate(2) and a given time send it.")
  static boolean updateMtime(int iaValid) {
    if ((iaValid & ATTR_MTIME_SET) != 0) {
      return true;
    }
    return (iaValid & ATTR_SIZE) == 0 || (iaValid & (ATTR_OPEN | ATTR_FILE)) == 0;
  }

  /**
   * fuse_do_setattr() after its SETATTR: invalid attributes or a type change make the inode bad;
   * otherwise the attributes and the size are applied and a size change truncates the page cache.
   */
  @Mirrors(fn = "fuse_do_setattr (after SETATTR)", file = "fs/fuse/dir.c", patches = {6},
      doc = "Invalid attributes or a type change make the inode bad (EIO); else apply them, "
          + "truncating the page cache.")
  public int fuseDoSetattrReply(FuseInode fi, Request r, boolean isTruncate) {
    fi.clear(FuseInode.FUSE_I_SIZE_UNSTABLE);
    int err = r.error();
    if (err != 0) {
      if (err == -Errno.EINTR.value) {
        fi.invalMask = STATX_BASIC_STATS;
      }
      return err;
    }
    Reply.AttrOut out = (Reply.AttrOut) r.reply;
    if (FuseInode.fuseInvalidAttr(out.attr())
        || (fi.attr.mode() & Lower.S_IFMT) != (out.attr().mode() & Lower.S_IFMT)) {
      fi.fuseMakeBad();
      return -Errno.EIO.value;
    }
    if (k.inodePt.attrsFromBacking(fi)) {
      return 0; // v2 06/21, A10: attributes come from the backing inode
    }
    k.inodes.fuseChangeAttributesCommon(fi, out.attr(), out.attrValidNs());
    long oldSize = fi.attr.size();
    fi.attr = fi.attr.withSize(out.attr().size());
    if (fi.isReg() && oldSize != out.attr().size()) {
      fi.pages.clear();
    }
    return 0;
  }

  /**
   * fuse_create_open() after its CREATE: the entry must be a regular file with a valid nodeid
   * and attributes (else EIO, and the kernel frees the fuse_file without RELEASE or FORGET).
   * Then d_instantiate(), fuse_change_entry_timeout() and fuse_dir_changed(dir): the parent's
   * attributes are invalid, so on a default_permissions mount the next walk through it sends
   * GETATTR (fuse_permission; found by kernel fuzz, seed 7). Returns the inode, or null with the
   * error in {@code d.time} untouched.
   */
  @Mirrors(fn = "fuse_create_open (after CREATE)", file = "fs/fuse/dir.c",
      doc = "The entry must be a regular file with a valid nodeid and attributes, else EIO; then "
          + "fuse_iget, d_instantiate, fuse_dir_changed(dir).")
  public FuseInode fuseCreateReply(Dentry d, Reply.Entry e, long attrVersion) {
    if ((e.attr().mode() & Lower.S_IFMT) != Lower.S_IFREG || e.nodeid() == 0 || e.nodeid() == 1
        || FuseInode.fuseInvalidAttr(e.attr())) {
      return null;
    }
    FuseInode inode = k.inodes.fuseIget(e.nodeid(), e.generation(), e.attr(), entryAttrValid(e), attrVersion);
    d.inode = inode; // d_instantiate()
    fuseChangeEntryTimeout(d, e);
    fuseDirChanged(d.parent.inode);
    return inode;
  }

  /**
   * create_new_entry() after its request (MKNOD, MKDIR, SYMLINK, LINK): an invalid nodeid,
   * invalid attributes or a file type other than {@code mode}'s is EIO with no FORGET (the
   * pre-allocated forget is freed, so the server keeps that lookup); else fuse_iget (a LINK reply
   * names an existing inode: nlookup grows and nlink comes from the reply), the entry is
   * instantiated and the parent's attributes invalidated (fuse_dir_changed). EEXIST from the
   * server invalidates the dentry (fuse_invalidate_entry). Under v2 14/21 the entry2 reply's
   * backing_id is attached like a lookup's. Returns 0 or -errno.
   */
  @Mirrors(fn = "create_new_entry", file = "fs/fuse/dir.c", patches = {14},
      doc = "After MKNOD/MKDIR/SYMLINK/LINK: EIO (no FORGET) for a bad nodeid, attributes or file "
          + "type; else fuse_iget, instantiate, fuse_dir_changed; 14: attach the entry2 backing.")
  public int createNewEntryReply(Dentry d, Request r, int mode, long epoch) {
    int err = r.error();
    if (err == -Errno.EEXIST.value) {
      k.dcache.dInvalidate(d); // fuse_invalidate_entry(): d_invalidate, then time 0
      d.time = 0;
      return err;
    }
    if (err != 0) {
      return err;
    }
    Reply.Entry e = (Reply.Entry) r.reply;
    if (e.nodeid() == 0 || e.nodeid() == 1 || FuseInode.fuseInvalidAttr(e.attr())
        || ((e.attr().mode() ^ mode) & Lower.S_IFMT) != 0) {
      return -Errno.EIO.value; // invalid_nodeid(), fuse_invalid_attr(), (attr.mode ^ mode) & S_IFMT
    }
    FuseInode fi = k.inodes.fuseIget(e.nodeid(), e.generation(), e.attr(), entryAttrValid(e), 0);
    err = k.sem.has(14) ? entryAttach(fi, e) : 0; // v2 14/21: entry creation attaches like lookup
    if (err != 0) {
      return err;
    }
    d.inode = fi; // d_drop() + d_splice_alias()
    d.dTime = epoch;
    fuseChangeEntryTimeout(d, e);
    fuseDirChanged(d.parent.inode);
    return 0;
  }

  /** fuse_dir_changed(): a directory entry was added or removed. */
  @Mirrors(fn = "fuse_dir_changed", file = "fs/fuse/dir.c",
      doc = "fuse_invalidate_attr(dir): the next stat of the directory asks the server.")
  public void fuseDirChanged(FuseInode dir) {
    fuseInvalidateAttr(dir); // and inode_maybe_inc_iversion(), not modelled
  }

  /** fuse_invalidate_attr(): every basic attribute must be fetched again. */
  @Mirrors(fn = "fuse_invalidate_attr", file = "fs/fuse/dir.c",
      doc = "fi->inval_mask = STATX_BASIC_STATS.")
  public void fuseInvalidateAttr(FuseInode fi) {
    fi.invalMask = STATX_BASIC_STATS;
  }

  /** fuse_advise_use_readdirplus(): a lookup in {@code dir} found an inode. */
  @Mirrors(fn = "fuse_advise_use_readdirplus", file = "fs/fuse/dir.c",
      doc = "Set FUSE_I_ADVISE_RDPLUS on the directory.")
  public void fuseAdviseUseReaddirplus(FuseInode dir) {
    // The kernel sets the bit on every mount; only fuse_use_readdirplus() under READDIRPLUS_AUTO
    // reads it, so the model sets it only there (the state of other mounts stays as it was).
    if (k.fc.readdirplusAuto) {
      dir.set(FuseInode.FUSE_I_ADVISE_RDPLUS);
    }
  }

  /** The site of the fuse_do_setattr WARN_ON for ATTR_SIZE on a non-regular inode. */
  public boolean warnSizeOnNonRegular(FuseInode fi) {
    return k.warnOn(!fi.isReg(), C + "fuse_do_setattr", "WARN_ON(!S_ISREG(inode->i_mode))");
  }

  /** STATX_MODE | STATX_UID | STATX_GID: the attributes fuse_permission() needs fresh. */
  public static final int PERM_MASK = 0x2 | 0x8 | 0x10;

  /**
   * fuse_permission() (fs/fuse/dir.c) on a mount with default_permissions, as a sub-machine: if
   * mode/uid/gid are invalid or the attributes expired, fuse_perm_getattr() refreshes them with a
   * GETATTR (fuse_do_getattr(), no fh); then generic_permission(); an EACCES on attributes that
   * were not just refreshed is retried once after a GETATTR ("the root node will at first have no
   * permissions"). The RCU walk's MAY_NOT_BLOCK attempt (-ECHILD, then a ref-walk retry) sends
   * nothing and is not modelled separately. With an inode whose GETATTR is passed through
   * (v2 06/21), A21 decides whether the refresh reads the backing inode or asks the server.
   */
  public static final class Permission {
    private final FuseInode fi;
    private final int mask;
    private Request req;
    private long attrVersion;
    private boolean refreshed;
    private int pc;
    public int err;

    public Permission(FuseInode fi, int mask) {
      this.fi = fi;
      this.mask = mask;
    }

    @Mirrors(fn = "fuse_permission", file = "fs/fuse/dir.c", patches = {6},
        doc = "default_permissions: refresh stale mode/uid/gid with GETATTR (A21 with 06), "
            + "generic_permission, one refresh-and-retry on EACCES.")
    public boolean run(Kernel k, Syscall s) {
      while (true) {
        switch (pc) {
          case 0:
            if (fi.isBad()) {
              err = -Errno.EIO.value;
              return true;
            }
            // fuse_allow_current_process(): the model's mounts are allow_other (MountConfig)
            pc = 2;
            if ((PERM_MASK & fi.invalMask) != 0 || fi.iTime < k.now || fromBacking(k)) {
              refresh(k, s, 1);
            }
            break;
          case 1:
          case 3:
            if (req != null && !s.await(req)) {
              return false;
            }
            err = req == null ? 0 : k.dir.fuseDoGetattrReply(fi, req, attrVersion);
            if (err != 0 || pc == 3) {
              err = err != 0 ? err : Namei.genericPermission(s.thread, fi.attr, mask);
              return true;
            }
            pc = 2;
            break;
          case 2:
            err = Namei.genericPermission(s.thread, fi.attr, mask);
            if (err != -Errno.EACCES.value || refreshed) {
              return true;
            }
            refresh(k, s, 3);
            break;
          default:
            throw new IllegalStateException("permission pc " + pc);
        }
      }
    }

    /** A21=backing: v2 06/21's getattr passthrough serves fuse_perm_getattr() too. */
    private boolean fromBacking(Kernel k) {
      return k.sem.has(6) && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)
          && k.sem.is(Assumption.PERMISSION_GETATTR, "backing");
    }

    /** fuse_perm_getattr() → fuse_do_getattr(inode, NULL, NULL): GETATTR without a file. */
    @Mirrors(fn = "fuse_perm_getattr", file = "fs/fuse/dir.c", patches = {6},
        doc = "GETATTR without fh, or (A21=backing, 06) the backing inode's attributes.")
    private void refresh(Kernel k, Syscall s, int next) {
      refreshed = true;
      pc = next;
      req = null;
      if (fromBacking(k)) {
        BackingInode.copyattr(k, fi); // v2 06/21: no FUSE_GETATTR
        return;
      }
      attrVersion = k.fc.attrVersion;
      req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, 0L, 0);
    }
  }

  /** access(2) → fuse_permission() → fuse_access(): ACCESS, unless the server lacks it. */
  public static final class Access extends Syscall {
    private final Namei.Walk walk;
    private final int mask;
    private Dentry d;
    private Request req;
    private Permission perm;

    public Access(UserThread t, String path, int mask) {
      super(t);
      this.walk = new Namei.Walk(path, false, false, false);
      this.mask = mask;
    }

    @Override
    public String name() {
      return "access";
    }

    @Override
    @Mirrors(fn = "fuse_access", file = "fs/fuse/dir.c",
        doc = "access(2): ACCESS via fuse_permission, unless the server lacks it; with "
            + "default_permissions generic_permission instead.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        if (!walk.run(k, this)) {
          return false;
        }
        if (walk.err != 0) {
          return done(walk.err);
        }
        d = walk.result;
        if (k.fc.defaultPermissions) {
          // do_faccessat() → inode_permission(inode, mode | MAY_ACCESS): generic_permission(),
          // no ACCESS request
          perm = new Permission(d.inode, mask | Namei.MAY_ACCESS);
          pc = 2;
        } else if (k.fc.noAccess) {
          k.dcache.dput(d);
          return done(0);
        } else {
          req = k.dev.send(this, Opcode.ACCESS, d.inode.nodeid, null, mask);
          pc = 1;
        }
      }
      if (pc == 2) {
        if (!perm.run(k, this)) {
          return false;
        }
        k.dcache.dput(d);
        return done(perm.err);
      }
      if (!await(req)) {
        return false;
      }
      k.dcache.dput(d);
      if (req.error() == -Errno.ENOSYS.value) {
        k.fc.noAccess = true;
        return done(0);
      }
      return done(req.error());
    }
  }

  /**
   * The syscalls that make a name: mknod(2), mkdir(2), symlink(2), link(2). fs/namei.c:
   * filename_create() walks to the new name with LOOKUP_EXCL (the last component is not
   * followed) and fails with EEXIST if it exists; vfs_mknod/mkdir/symlink/link check what the
   * VFS checks (may_create() asks nothing of FUSE without default_permissions); then, under the
   * parent's i_rwsem, fs/fuse/dir.c sends the request and create_new_entry() instantiates the
   * reply's inode ({@link Dir#createNewEntryReply}).
   */
  abstract static class NewEntry extends Syscall {
    private final Namei.Walk walk;
    private Dentry d;
    private Request req;
    private long epoch;
    /** may_create()'s inode_permission() of the directory (default_permissions only). */
    private Permission perm;

    NewEntry(UserThread t, String path) {
      super(t);
      this.walk = new Namei.Walk(path, false, true, true).noFollow();
    }

    /** What runs before the new name is walked (link(2) resolves its old path): false = blocked. */
    protected boolean before(Kernel k) {
      return true;
    }

    /** The error found by {@link #before}, or 0. */
    protected int beforeErr() {
      return 0;
    }

    /** The VFS checks between filename_create() and the file system's method: 0 or -errno. */
    protected int vfsChecks(Kernel k, Dentry d) {
      return 0;
    }

    /** The FUSE method's own refusal before any request (fuse_link with no_link): 0 or -errno. */
    protected int fuseChecks(Kernel k) {
      return 0;
    }

    /** fuse_mknod/mkdir/symlink/link: sends the request. */
    protected abstract Request send(Kernel k, Dentry d);

    /** The mode create_new_entry() is given: its S_IFMT is the type the reply must have. */
    protected abstract int mode();

    /** After create_new_entry(): the method's bookkeeping; returns the syscall's result. */
    protected int after(Kernel k, int err) {
      return err;
    }

    /** Drops what {@link #before} holds. */
    protected void release(Kernel k) {}

    /** An error between filename_create() and the request: done_path_create(), then the error. */
    private boolean refuse(Kernel k, int err) {
      if (walk.keptDirLock) {
        Locks.upWrite(k, d.parent.inode); // done_path_create()
      }
      if (d != null) {
        k.dcache.dput(d);
      }
      release(k);
      return done(err);
    }

    @Override
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!before(k)) {
              return false;
            }
            if (beforeErr() != 0) {
              return done(beforeErr());
            }
            pc = 1;
            break;
          case 1:
            if (!walk.run(k, this)) {
              return false;
            }
            int err = walk.err;
            d = walk.result;
            if (err == 0 && d.inode != null) {
              err = -Errno.EEXIST.value; // filename_create(): the name exists
            }
            if (err == 0 && k.fc.defaultPermissions) {
              perm = Namei.mayCreate(d.parent.inode);
              pc = 4;
              break;
            }
            if (err == 0) {
              err = vfsChecks(k, d);
            }
            if (err != 0) {
              return refuse(k, err);
            }
            pc = 2;
            break;
          case 4:
            if (!perm.run(k, this)) {
              return false;
            }
            int denied = perm.err != 0 ? perm.err : vfsChecks(k, d);
            if (denied != 0) {
              return refuse(k, denied);
            }
            pc = 2;
            break;
          case 2:
            // filename_create() (fs/namei.c) holds the directory lock from the lookup on
            if (!walk.keptDirLock && !Locks.downWrite(k, d.parent.inode, this)) {
              return false;
            }
            int refused = d.parent.inode.isBad() ? -Errno.EIO.value : fuseChecks(k);
            if (refused != 0) { // create_new_entry(): a bad directory is EIO
              Locks.upWrite(k, d.parent.inode);
              k.dcache.dput(d);
              release(k);
              return done(refused);
            }
            epoch = k.fc.epoch;
            req = send(k, d);
            pc = 3;
            break;
          case 3:
            if (!await(req)) {
              return false;
            }
            Locks.upWrite(k, d.parent.inode);
            int res = k.dir.createNewEntryReply(d, req, mode(), epoch);
            k.dcache.dput(d);
            res = after(k, res);
            release(k);
            return done(res);
          default:
            throw new IllegalStateException(name() + " pc " + pc);
        }
      }
    }
  }

  /** mkdir(2) → vfs_mkdir() → fuse_mkdir(): MKDIR(parent, name){mode}. */
  public static final class Mkdir extends NewEntry {
    private final int mode;

    public Mkdir(UserThread t, String path, int mode) {
      super(t, path);
      this.mode = mode;
    }

    @Override
    public String name() {
      return "mkdir";
    }

    @Override
    @Mirrors(fn = "fuse_mkdir", file = "fs/fuse/dir.c", patches = {14},
        doc = "mkdir(2): MKDIR, then create_new_entry instantiates the inode (14: with its "
            + "backing).")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.MKDIR, d.parent.inode.nodeid, d.name, mode & 07777);
    }

    @Override
    protected int mode() {
      return Lower.S_IFDIR;
    }
  }

  /**
   * mknod(2) → do_mknodat() → may_mknod(): a type of 0 is S_IFREG, S_IFDIR is EPERM, an unknown
   * type EINVAL; a block device needs CAP_MKNOD (EPERM otherwise, vfs_mknod; a character device
   * with dev 0, the only number a trace can give, is a whiteout and needs none). A
   * regular file goes through vfs_create() → fuse_create() → fuse_mknod() (no CREATE: that is
   * open(O_CREAT)'s atomic_open), the rest through vfs_mknod() → fuse_mknod(): MKNOD(parent,
   * name){mode, rdev 0, umask 0}.
   */
  public static final class Mknod extends NewEntry {
    private final int mode;

    public Mknod(UserThread t, String path, int mode) {
      super(t, path);
      this.mode = (mode & Lower.S_IFMT) == 0 ? mode | Lower.S_IFREG : mode;
    }

    @Override
    public String name() {
      return "mknod";
    }

    @Override
    protected int beforeErr() {
      return Namei.mayMknod(mode);
    }

    @Override
    protected int vfsChecks(Kernel k, Dentry d) {
      return Namei.vfsMknod(thread, mode);
    }

    @Override
    @Mirrors(fn = "fuse_mknod", file = "fs/fuse/dir.c", patches = {14},
        doc = "MKNOD with the mode (type and permissions); 14: an entry2 reply's backing is "
            + "attached like a lookup's.")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.MKNOD, d.parent.inode.nodeid, d.name, mode & 0177777);
    }

    @Override
    protected int mode() {
      return mode;
    }
  }

  /** symlink(2) → do_symlinkat() → vfs_symlink() → fuse_symlink(): SYMLINK(parent, name, target). */
  public static final class Symlink extends NewEntry {
    private final String target;

    public Symlink(UserThread t, String target, String path) {
      super(t, path);
      this.target = target;
    }

    @Override
    public String name() {
      return "symlink";
    }

    @Override
    protected int beforeErr() {
      return target.isEmpty() ? -Errno.ENOENT.value : 0; // getname() of "" (no AT_EMPTY_PATH)
    }

    @Override
    @Mirrors(fn = "fuse_symlink", file = "fs/fuse/dir.c", patches = {14},
        doc = "SYMLINK with the name and the target; the reply must be a symlink (S_IFLNK).")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.SYMLINK, d.parent.inode.nodeid, d.name, target);
    }

    @Override
    protected int mode() {
      return Lower.S_IFLNK;
    }
  }

  /**
   * link(2) → do_linkat(): the old path is resolved first (not followed: no AT_SYMLINK_FOLLOW),
   * then the new name is created; may_linkat() (fs.protected_hardlinks = 1, the systemd default:
   * a caller other than the owner and root may link only a regular file without set-uid and
   * without executable set-gid, else EPERM; fuse_permission() grants the read/write access it
   * also asks for); vfs_link(): a directory is EPERM, an inode with no links ENOENT; then
   * fuse_link(): EPERM at once once a LINK got ENOSYS (no_link); LINK(newdir, name){oldnodeid}.
   * create_new_entry() is given the old inode's mode, so the reply must name an inode of the same
   * type; fuse_iget() finds the existing inode (nlookup + 1) and applies the reply's attributes,
   * nlink included. Then fuse_update_ctime_in_cache() (a no-op: FUSE inodes are S_NOCMTIME
   * without writeback_cache); EINTR invalidates the old inode's attributes; ENOSYS sets no_link
   * and is returned as EPERM.
   */
  public static final class Link extends NewEntry {
    private final Namei.Walk oldWalk;
    private Dentry old;

    public Link(UserThread t, String oldPath, String newPath) {
      super(t, newPath);
      this.oldWalk = new Namei.Walk(oldPath, false, false, false).noFollow();
    }

    @Override
    public String name() {
      return "link";
    }

    @Override
    protected boolean before(Kernel k) {
      if (!oldWalk.run(k, this)) {
        return false;
      }
      old = oldWalk.result;
      return true;
    }

    @Override
    protected int beforeErr() {
      return oldWalk.err;
    }

    @Override
    protected int vfsChecks(Kernel k, Dentry d) {
      return Namei.vfsLink(thread, old.inode);
    }

    @Override
    protected int fuseChecks(Kernel k) {
      return k.fc.noLink ? -Errno.EPERM.value : 0;
    }

    @Override
    @Mirrors(fn = "fuse_link", file = "fs/fuse/dir.c", patches = {14},
        doc = "LINK with the old nodeid; the reply names the existing inode (nlookup+1, nlink from "
            + "the reply); ENOSYS sets no_link (EPERM); 14: its backing is attached set-once.")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.LINK, d.parent.inode.nodeid, d.name, old.inode.nodeid);
    }

    @Override
    protected int mode() {
      return old.inode.attr.mode();
    }

    @Override
    protected int after(Kernel k, int err) {
      if (err == -Errno.EINTR.value) {
        k.dir.fuseInvalidateAttr(old.inode);
      }
      if (err == -Errno.ENOSYS.value) {
        k.fc.noLink = true;
        return -Errno.EPERM.value;
      }
      return err;
    }

    @Override
    protected void release(Kernel k) {
      if (old != null) {
        k.dcache.dput(old);
        old = null;
      }
    }
  }

  /**
   * readlink(PATH): do_readlinkat() (the last component not followed; EINVAL for a file that is
   * not a symlink) → vfs_readlink() → fuse_get_link() → fuse_readlink_page(): READLINK every
   * time (no FUSE_CACHE_SYMLINKS), then fuse_invalidate_atime(). The result is the target's
   * length (the buffer is taken as one page).
   */
  public static final class Readlink extends Syscall {
    private final Namei.Walk walk;
    private Dentry d;
    private Request req;

    public Readlink(UserThread t, String path) {
      super(t);
      this.walk = new Namei.Walk(path, false, false, false).noFollow();
    }

    @Override
    public String name() {
      return "readlink";
    }

    @Override
    @Mirrors(fn = "fuse_readlink_page", file = "fs/fuse/dir.c",
        doc = "readlink(2): READLINK each time (no cache_symlinks); EINVAL if not a symlink; "
            + "invalidates atime.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        if (!walk.run(k, this)) {
          return false;
        }
        if (walk.err != 0) {
          return done(walk.err);
        }
        d = walk.result;
        if (!d.inode.isLnk()) {
          k.dcache.dput(d);
          return done(-Errno.EINVAL.value);
        }
        if (d.inode.isBad()) {
          k.dcache.dput(d);
          return done(-Errno.EIO.value); // fuse_get_link()
        }
        req = k.dev.send(this, Opcode.READLINK, d.inode.nodeid, null);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      d.inode.invalMask |= Dir.STATX_ATIME; // fuse_invalidate_atime()
      k.dcache.dput(d);
      if (req.error() != 0) {
        return done(req.error());
      }
      long n = ((Reply.Data) req.reply).size();
      return done(n >= 4096 ? -Errno.EIO.value : (int) n); // WARN_ON(res >= PAGE_SIZE) → EIO
    }
  }

  /**
   * unlink(2)/rmdir(2) → fuse_unlink()/fuse_rmdir(): UNLINK/RMDIR; on success the parent's
   * attributes are invalidated (fuse_dir_changed), the inode's link count drops and the dentry is
   * deleted (d_delete); ENOENT invalidates the dentry. With default_permissions, may_delete()
   * checks the directory first ({@link Namei#mayCreate}, {@link Namei#mayDeleteRest}).
   */
  public static final class Unlink extends Syscall {
    private final Namei.Walk walk;
    private final boolean rmdir;
    private Dentry d;
    private Request req;
    /** may_delete()'s inode_permission() of the directory (default_permissions only). */
    private Permission perm;

    public Unlink(UserThread t, String path, boolean rmdir) {
      super(t);
      this.walk = new Namei.Walk(path, false, false, false).noFollow();
      this.rmdir = rmdir;
    }

    @Override
    public String name() {
      return rmdir ? "rmdir" : "unlink";
    }

    @Override
    @Mirrors(fn = "fuse_unlink", file = "fs/fuse/dir.c",
        doc = "unlink/rmdir: UNLINK/RMDIR; success drops nlink and deletes the dentry; ENOENT "
            + "invalidates it.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!walk.run(k, this)) {
              return false;
            }
            if (walk.err != 0) {
              return done(walk.err);
            }
            d = walk.result;
            if (k.fc.defaultPermissions) {
              perm = Namei.mayCreate(d.parent.inode); // may_delete() asks the same of the directory
              pc = 3;
              break;
            }
            if (rmdir != d.inode.isDir()) {
              k.dcache.dput(d);
              return done(-(rmdir ? Errno.ENOTDIR : Errno.EISDIR).value);
            }
            pc = 1;
            break;
          case 3:
            if (!perm.run(k, this)) {
              return false;
            }
            int denied = perm.err != 0 ? perm.err : Namei.mayDeleteRest(thread, d, rmdir);
            if (denied != 0) {
              k.dcache.dput(d);
              return done(denied);
            }
            pc = 1;
            break;
          case 1:
            if (!Locks.downWrite(k, d.parent.inode, this)) {
              return false;
            }
            req = k.dev.send(this, rmdir ? Opcode.RMDIR : Opcode.UNLINK, d.parent.inode.nodeid, d.name);
            pc = 2;
            break;
          case 2:
            if (!await(req)) {
              return false;
            }
            Locks.upWrite(k, d.parent.inode);
            return done(unlinked(k));
          default:
            throw new IllegalStateException("unlink pc " + pc);
        }
      }
    }

    private int unlinked(Kernel k) {
      int err = req.error();
      FuseInode fi = d.inode;
      if (err == 0) {
        k.dir.fuseDirChanged(d.parent.inode); // fuse_unlink()/fuse_rmdir(): the parent changed
        int nlink = rmdir ? 0 : Math.max(0, fi.attr.nlink() - 1);
        fi.attr = fi.attr.withNlink(nlink); // fuse_entry_unlinked(): drop_nlink / clear_nlink
        fi.invalMask = Dir.STATX_BASIC_STATS;
        k.dcache.dput(d);
        k.dcache.dInvalidate(d); // d_delete(): unused dentries die now
        return 0;
      }
      if (err == -Errno.ENOENT.value || err == -Errno.EINTR.value) {
        k.dcache.dInvalidate(d); // fuse_invalidate_entry()
      }
      k.dcache.dput(d);
      return err;
    }
  }

  /** renameat2(2) flags (include/uapi/linux/fs.h). */
  public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

  /**
   * rename(2)/renameat2(2): do_renameat2() (fs/namei.c) refuses bad flag sets (EINVAL: unknown
   * bits, RENAME_EXCHANGE with NOREPLACE or WHITEOUT; a lone WHITEOUT goes to the server as
   * RENAME2), resolves both names (the old must exist: ENOENT;
   * RENAME_NOREPLACE: an existing new name is EEXIST; RENAME_EXCHANGE: it must exist, ENOENT),
   * refuses moving a directory below itself (EINVAL); vfs_rename(): the same inode on both names
   * is 0 with no request, may_delete()/may_create() type checks (EISDIR, ENOTDIR), then
   * fuse_rename2() → fuse_rename_common() (RENAME, or RENAME2 with flags; RENAME2 answered
   * ENOSYS sets no_rename2 and is EINVAL, as later flagged calls are at once), and d_move() /
   * d_exchange(). The parents are locked as lock_rename() does, after the lookups (the walks);
   * with default_permissions, may_delete() of the old directory and may_create() (or
   * may_delete() of an existing target) of the new one are checked; a directory moved to
   * another parent there (inode_permission(MAY_WRITE) of it, for its "..") is NotModelled.
   */
  public static final class Rename extends Syscall {
    private final Namei.Walk oldWalk;
    private final Namei.Walk newWalk;
    private final int flags;
    private Dentry old;
    private Dentry target;
    private Request req;
    private Permission perm;
    private boolean newLocked;
    private boolean oldLocked;

    public Rename(UserThread t, String oldPath, String newPath, int flags) {
      super(t);
      this.oldWalk = new Namei.Walk(oldPath, false, false, false).noFollow();
      // do_renameat2(): the target is looked up with LOOKUP_RENAME_TARGET (none for
      // RENAME_EXCHANGE), which fuse_dentry_revalidate() treats as LOOKUP_EXCL: a cached target
      // is always looked up again, an exchanged one only when stale (seen on 6.18.44)
      this.newWalk = new Namei.Walk(newPath, false, true, (flags & RENAME_EXCHANGE) == 0).noFollow();
      this.flags = flags;
    }

    @Override
    public String name() {
      return flags == 0 ? "rename" : "renameat2";
    }

    @Override
    @Mirrors(fn = "fuse_rename2", file = "fs/fuse/dir.c",
        doc = "rename/renameat2: RENAME, or RENAME2 with flags (no_rename2 after ENOSYS: EINVAL); "
            + "success moves the dentry (d_move/d_exchange) and invalidates attributes.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            int bad = flagCheck();
            if (bad != 0) {
              return done(bad);
            }
            pc = 1;
            break;
          case 1:
            if (!oldWalk.run(k, this)) {
              return false;
            }
            if (oldWalk.err != 0) {
              return done(oldWalk.err);
            }
            old = oldWalk.result;
            pc = 2;
            break;
          case 2:
            if (!newWalk.run(k, this)) {
              return false;
            }
            if (newWalk.err != 0) {
              return finish(k, newWalk.err);
            }
            target = newWalk.result;
            newLocked = newWalk.keptDirLock;
            int refused = vfsChecks(k);
            if (refused != 0) {
              return finish(k, refused == 1 ? 0 : refused);
            }
            if (k.fc.defaultPermissions) {
              perm = Namei.mayCreate(old.parent.inode); // may_delete(old_dir, ...)
              pc = 3;
              break;
            }
            pc = 5;
            break;
          case 3:
            if (!perm.run(k, this)) {
              return false;
            }
            int denied = perm.err != 0 ? perm.err : Namei.mayDeleteRest(thread, old, old.inode.isDir());
            if (denied != 0) {
              return finish(k, denied);
            }
            perm = Namei.mayCreate(target.parent.inode); // may_create() or may_delete(new_dir, ...)
            pc = 4;
            break;
          case 4:
            if (!perm.run(k, this)) {
              return false;
            }
            denied = perm.err != 0 ? perm.err
                : target.inode != null ? Namei.mayDeleteRest(thread, target, target.inode.isDir()) : 0;
            if (denied != 0) {
              return finish(k, denied);
            }
            pc = 5;
            break;
          case 5:
            if (!lockParents(k)) {
              return false;
            }
            if (old.parent.inode.isBad()) {
              return finish(k, -Errno.EIO.value); // fuse_rename2(): fuse_is_bad(olddir)
            }
            if (flags != 0 && k.fc.noRename2) {
              return finish(k, -Errno.EINVAL.value); // fc->no_rename2: no request
            }
            req = flags != 0
                ? k.dev.send(this, Opcode.RENAME2, old.parent.inode.nodeid, old.name, target.name,
                    target.parent.inode.nodeid, flags)
                : k.dev.send(this, Opcode.RENAME, old.parent.inode.nodeid, old.name, target.name,
                    target.parent.inode.nodeid);
            pc = 6;
            break;
          case 6:
            if (!await(req)) {
              return false;
            }
            return finish(k, k.dir.fuseRenameReply(old, target, flags, req));
          default:
            throw new IllegalStateException("rename pc " + pc);
        }
      }
    }

    /** do_renameat2()'s flag checks. */
    private int flagCheck() {
      if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0
          || ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) != 0 && (flags & RENAME_EXCHANGE) != 0)) {
        return -Errno.EINVAL.value;
      }
      return 0; // no CAP_MKNOD check for RENAME_WHITEOUT since 5.8 (seen on 6.18.44: uid 1000's goes)
    }

    /**
     * The checks of do_renameat2() and vfs_rename() between the lookups and the request: -errno,
     * 1 for "same inode, nothing to do" (vfs_rename returns 0), or 0.
     */
    private int vfsChecks(Kernel k) {
      if ((flags & RENAME_NOREPLACE) != 0 && target.inode != null) {
        return -Errno.EEXIST.value; // lookup with LOOKUP_EXCL
      }
      if ((flags & RENAME_EXCHANGE) != 0 && target.inode == null) {
        return -Errno.ENOENT.value;
      }
      if (isBelow(target.parent, old)) {
        return -Errno.EINVAL.value; // old_dentry == trap: a directory into itself
      }
      if (target.inode != null && isBelow(old.parent, target)) {
        return -((flags & RENAME_EXCHANGE) != 0 ? Errno.EINVAL : Errno.ENOTEMPTY).value;
      }
      if (old.inode == target.inode) {
        return 1; // vfs_rename(): source == target
      }
      if (target.inode != null && (flags & RENAME_EXCHANGE) == 0
          && old.inode.isDir() != target.inode.isDir()) {
        return -(old.inode.isDir() ? Errno.ENOTDIR : Errno.EISDIR).value; // may_delete()
      }
      if (old.liveChildren > 0 || (target.inode != null && target.liveChildren > 0
          && (flags & RENAME_EXCHANGE) != 0)) {
        throw new NotModelled("rename of a directory whose children are cached (d_move keeps them)");
      }
      if (k.fc.defaultPermissions && old.inode.isDir() && old.parent != target.parent) {
        throw new NotModelled("rename of a directory to another parent on a default_permissions "
            + "mount (inode_permission(MAY_WRITE) of the directory)");
      }
      return 0;
    }

    /** Whether {@code d} is {@code ancestor} or below it. */
    private static boolean isBelow(Dentry d, Dentry ancestor) {
      for (Dentry p = d; p != null; p = p.parent) {
        if (p == ancestor) {
          return true;
        }
      }
      return false;
    }

    /** lock_rename(): both parents (one lock if the same), after the new name's own lock. */
    private boolean lockParents(Kernel k) {
      if (!newLocked) {
        if (!Locks.downWrite(k, target.parent.inode, this)) {
          return false;
        }
        newLocked = true;
      }
      if (!oldLocked && old.parent != target.parent) {
        if (!Locks.downWrite(k, old.parent.inode, this)) {
          return false;
        }
      }
      oldLocked = true;
      return true;
    }

    /** unlock_rename() and the dentry references; then the result. */
    private boolean finish(Kernel k, int err) {
      if (target != null && newLocked) {
        Locks.upWrite(k, target.parent.inode);
      }
      if (target != null && oldLocked && old.parent != target.parent) {
        Locks.upWrite(k, old.parent.inode);
      }
      if (target != null) {
        k.dcache.dput(target);
      }
      k.dcache.dput(old);
      return done(err);
    }
  }

  /**
   * fuse_rename_common() after its request: on success the renamed inode's ctime is stale
   * (fuse_update_ctime: STATX_CTIME), so is the exchanged one's, both directories changed
   * (fuse_dir_changed), an overwritten target is unlinked (fuse_entry_unlinked: nlink drops, its
   * entry expires, ctime stale), then vfs_rename()'s d_move()/d_exchange(). EINTR or ENOENT
   * invalidate both entries (fuse_invalidate_entry); RENAME2 answered ENOSYS sets no_rename2,
   * EINVAL.
   */
  @Mirrors(fn = "fuse_rename_common", file = "fs/fuse/dir.c",
      doc = "Success: ctime stale, directories changed, a replaced target unlinked, then d_move; "
          + "EINTR/ENOENT invalidate both entries; RENAME2 ENOSYS: no_rename2, EINVAL.")
  public int fuseRenameReply(Dentry old, Dentry target, int flags, Request r) {
    int err = r.error();
    if (err == 0) {
      old.inode.invalMask |= STATX_CTIME;
      if ((flags & RENAME_EXCHANGE) != 0) {
        target.inode.invalMask |= STATX_CTIME;
      }
      fuseDirChanged(old.parent.inode);
      if (old.parent != target.parent) {
        fuseDirChanged(target.parent.inode);
      }
      if ((flags & RENAME_EXCHANGE) == 0 && target.inode != null) {
        FuseInode t = target.inode;
        t.attr = t.attr.withNlink(t.isDir() ? 0 : Math.max(0, t.attr.nlink() - 1));
        t.invalMask |= STATX_CTIME;
        target.time = 0; // fuse_invalidate_entry_cache()
      }
      if ((flags & RENAME_EXCHANGE) != 0) {
        k.dcache.dExchange(old, target);
      } else {
        k.dcache.dMove(old, target);
      }
      return 0;
    }
    if (err == -Errno.EINTR.value || err == -Errno.ENOENT.value) {
      k.dcache.dInvalidate(old);
      if (target.inode != null) {
        k.dcache.dInvalidate(target);
      }
    }
    if (err == -Errno.ENOSYS.value && r.opcode == Opcode.RENAME2) {
      k.fc.noRename2 = true;
      return -Errno.EINVAL.value;
    }
    return err;
  }

  /** fuse_time_to_jiffies(): 0 stays 0 (expired), otherwise now + timeout. */
  @Mirrors(fn = "fuse_time_to_jiffies", file = "fs/fuse/dir.c",
      doc = "A timeout of 0 stays 0 (expired), otherwise now + timeout.")
  public long timeToExpiry(long timeoutNs) {
    if (timeoutNs == 0) {
      return 0;
    }
    return timeoutNs >= Reply.INF - k.now ? Reply.INF : k.now + timeoutNs;
  }

  /**
   * fuse_getattr() → fuse_update_get_attr() → fuse_do_getattr() (fs/fuse/dir.c) as a sub-machine:
   * GETATTR is sent when a requested attribute is invalid or the attributes expired; otherwise the
   * cached attributes are returned. Also used for fuse_update_attributes(inode, file, mask).
   */
  public static final class GetattrOp {
    private final FuseInode fi;
    private final KFile file;
    private final int requestMask;
    private Request req;
    private long attrVersion;
    private boolean sent;
    public int err;
    /** The attributes returned: from the reply (fuse_fillattr) or from the inode. */
    public FuseAttr attr;

    public GetattrOp(FuseInode fi, KFile file, int requestMask) {
      this.fi = fi;
      this.file = file;
      this.requestMask = requestMask;
    }

    public FuseInode inode() {
      return fi;
    }

    @Mirrors(fn = "fuse_getattr", file = "fs/fuse/dir.c", patches = {6},
        doc = "fuse_update_get_attr: GETATTR if needed, else the cached attributes; from 06 a "
            + "GETATTR backing answers.")
    public boolean run(Kernel k, Syscall s) {
      if (!sent) {
        if (fi.isBad()) {
          err = -Errno.EIO.value;
          return true;
        }
        if (k.sem.has(6) && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)
            && !(k.faults.on(Fault.GETATTR_SERVES_CACHE_FIRST)
                && !k.dir.fuseUpdateGetAttrNeedsSync(fi, requestMask))) {
          attr = k.inodePt.passthroughGetattr(fi); // v2 06/21: no FUSE_GETATTR
          BackingInode.copyattr(k, fi);
          return true;
        }
        if (!k.dir.fuseUpdateGetAttrNeedsSync(fi, requestMask)) {
          attr = fi.attr;
          return true;
        }
        attrVersion = k.fc.attrVersion;
        boolean withFh = file != null && fi.isReg(); // fuse_do_getattr(): FUSE_GETATTR_FH for regular files
        req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, withFh ? file.ff.fh : 0,
            withFh ? Dir.FUSE_GETATTR_FH : 0);
        sent = true;
      }
      if (!s.await(req)) {
        return false;
      }
      err = k.dir.fuseDoGetattrReply(fi, req, attrVersion);
      if (err == 0) {
        FuseAttr out = ((Reply.AttrOut) req.reply).attr();
        attr = new FuseAttr(out.ino(), (fi.attr.mode() & Lower.S_IFMT) | (out.mode() & 07777), out.size(),
            out.nlink(), out.uid(), out.gid(), out.mtime(), out.ctime());
      }
      return true;
    }

  }

  /**
   * fuse_setattr() → fuse_do_setattr() (fs/fuse/dir.c) as a sub-machine, entered with the inode
   * lock held as notify_change() does. With ATTR_KILL_SUID/SGID and no handle_killpriv(_v2), the
   * mode is refreshed with a GETATTR first ("ia_mode calculation may have used stale i_mode") and
   * the suid/sgid bits to clear are recomputed from it.
   */
  public static final class SetattrOp {
    private static final int START = 0, KILL_GETATTR = 1, SETATTR_SENT = 2;

    private final FuseInode fi;
    private KFile file;
    private int iaValid;
    private int mode;
    private final int uid;
    private final int gid;
    private final long size;
    private int pc = START;
    private Request req;
    private long attrVersion;
    private boolean isTruncate;
    public int err;

    public SetattrOp(FuseInode fi, KFile file, int iaValid, int mode, int uid, int gid, long size) {
      this.fi = fi;
      this.file = file;
      this.iaValid = iaValid | (file != null ? Dir.ATTR_FILE : 0);
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      this.size = size;
    }

    @Mirrors(fn = "fuse_setattr", file = "fs/fuse/dir.c", patches = {20},
        doc = "notify_change -> fuse_setattr: refresh i_mode with GETATTR before a suid/sgid kill "
            + "(20: from the backing), then SETATTR.")
    public boolean run(Kernel k, Syscall s) {
      while (true) {
        switch (pc) {
          case START:
            if (fi.isBad()) {
              return fail(-Errno.EIO.value);
            }
            if ((iaValid & (Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID)) != 0) {
              int kill = iaValid & (Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID);
              iaValid &= ~(Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID | Dir.ATTR_MODE);
              if (backingDerivesKill(k)) {
                killOnBacking(kill); // v2 20/21 under A19=backing-derives
              } else if (!k.fc.handleKillpriv && !k.fc.handleKillprivV2 && k.sem.has(20)
                  && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)) {
                BackingInode.copyattr(k, fi); // v2 20/21: the fresh i_mode comes from the backing inode
                recomputeKillMode();
              } else if (!k.fc.handleKillpriv && !k.fc.handleKillprivV2) {
                attrVersion = k.fc.attrVersion;
                boolean withFh = file != null && fi.isReg();
                req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, withFh ? file.ff.fh : 0,
                    withFh ? Dir.FUSE_GETATTR_FH : 0); // fuse_do_getattr()
                pc = KILL_GETATTR;
                break;
              }
            }
            if (sendSetattr(k, s)) {
              return true;
            }
            break;
          case KILL_GETATTR:
            if (!s.await(req)) {
              return false;
            }
            int e = k.dir.fuseDoGetattrReply(fi, req, attrVersion);
            if (e != 0) {
              return fail(e);
            }
            recomputeKillMode();
            if (sendSetattr(k, s)) {
              return true;
            }
            break;
          case SETATTR_SENT:
            if (!s.await(req)) {
              return false;
            }
            return fail(k.dir.fuseDoSetattrReply(fi, req, isTruncate));
          default:
            throw new IllegalStateException("setattr pc " + pc);
        }
      }
    }

    /**
     * A19: with setattr passed through (19/21) and the suid/sgid handling of 20/21, the kill bits
     * go to the backing inode, whose notify_change() derives the mode.
     */
    private boolean backingDerivesKill(Kernel k) {
      return k.sem.has(20) && k.sem.is(Assumption.PASSTHROUGH_KILL_MODE, "backing-derives")
          && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_SETATTR);
    }

    /** notify_change() on the backing inode derives the killed mode ({@link Attr#notifyChangeKill}). */
    private void killOnBacking(int kill) {
      int m = fi.fb.file.mode & 07777;
      mode = Attr.notifyChangeKill(kill, m);
      if (mode != m) {
        iaValid |= Dir.ATTR_MODE;
      }
    }

    /** attr->ia_mode = inode->i_mode, minus S_ISUID, and S_ISGID when group-executable. */
    private void recomputeKillMode() {
      int m = fi.attr.mode();
      mode = m;
      if ((m & Lower.S_ISUID) != 0) {
        iaValid |= Dir.ATTR_MODE;
        mode &= ~Lower.S_ISUID;
      }
      if ((m & (Lower.S_ISGID | Lower.S_IXGRP)) == (Lower.S_ISGID | Lower.S_IXGRP)) {
        iaValid |= Dir.ATTR_MODE;
        mode &= ~Lower.S_ISGID;
      }
    }

    /** fuse_do_setattr() up to its request. Returns true if it finished without one. */
    @Mirrors(fn = "fuse_do_setattr", file = "fs/fuse/dir.c", patches = {19},
        doc = "Up to SETATTR; from 19 a SETATTR backing applies the change without a request.")
    private boolean sendSetattr(Kernel k, Syscall s) {
      if (iaValid == 0) {
        return fail(0);
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0) {
        if (k.dir.warnSizeOnNonRegular(fi)) {
          return fail(-Errno.EIO.value);
        }
        isTruncate = true;
      }
      if ((iaValid & Dir.ATTR_OPEN) != 0) {
        if (k.fc.atomicOTrunc) { // the OPEN already truncated; only the page cache is left
          fi.attr = fi.attr.withSize(0);
          fi.pages.clear();
          return fail(0);
        }
        file = null;
        iaValid &= ~Dir.ATTR_FILE;
      }
      if (k.sem.has(19) && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_SETATTR)) {
        return fail(BackingInode.setattr(k, s, fi, iaValid, mode, uid, gid, size)); // v2 19/21: no FUSE_SETATTR
      }
      if (isTruncate) {
        fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
      }
      long valid = k.dir.fuseSetattrValid(fi, iaValid, file != null, s.thread.capable());
      attrVersion = k.fc.attrVersion;
      // fuse_do_setattr(): iattr_to_fattr() fills mode/uid/gid/size under their FATTR bits; fh with FATTR_FH
      req = k.dev.send(s, Opcode.SETATTR, fi.nodeid, null, valid, mode, uid, gid, size,
          file != null ? file.ff.fh : 0);
      pc = SETATTR_SENT;
      return false;
    }

    private boolean fail(int e) {
      err = e;
      return true;
    }
  }
}
