package fusesim.model;

/**
 * fs/fuse/dir.c: lookup, dentry revalidation, getattr and setattr. Each function that sends a
 * request is split at the request: the syscall state machines in {@link Vfs} send it, and the
 * {@code ...Reply} method here is the code after fuse_simple_request() returns.
 */
public final class Dir {
  private static final String C = "fs/fuse/dir.c:";

  /** FATTR_* bits of fuse_setattr_in.valid. */
  public static final long FATTR_MODE = 1, FATTR_UID = 2, FATTR_GID = 4, FATTR_SIZE = 8,
      FATTR_MTIME = 32, FATTR_FH = 64, FATTR_MTIME_NOW = 256, FATTR_LOCKOWNER = 512,
      FATTR_KILL_SUIDGID = 2048;
  /** fuse_getattr_in.getattr_flags: fh is valid. */
  public static final long FUSE_GETATTR_FH = 1;
  /** ATTR_* bits of struct iattr (include/linux/fs.h). */
  public static final int ATTR_MODE = 1, ATTR_UID = 2, ATTR_GID = 4, ATTR_SIZE = 8,
      ATTR_MTIME = 32, ATTR_CTIME = 64, ATTR_FORCE = 512, ATTR_KILL_SUID = 2048,
      ATTR_KILL_SGID = 4096, ATTR_FILE = 8192, ATTR_KILL_PRIV = 16384, ATTR_OPEN = 32768;
  /** STATX bits kept in fi->inval_mask. */
  public static final int STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80,
      STATX_SIZE = 0x200, STATX_BLOCKS = 0x400, STATX_BASIC_STATS = 0x7ff;
  public static final int FUSE_STATX_MODSIZE = STATX_MTIME | STATX_CTIME | STATX_BLOCKS | STATX_SIZE;

  /** Outcome of fuse_dentry_revalidate() before or after its LOOKUP. */
  public enum Reval { VALID, INVALID, NEED_LOOKUP }

  private final Kernel k;

  Dir(Kernel k) {
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
    if (ret != 0 || Inodes.fuseInvalidAttr(e.attr())
        || (e.nodeid() == fi.nodeid && Inodes.fuseStaleInode(fi, e.generation(), e.attr()))) {
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

  /**
   * fuse_lookup_name() after its LOOKUP, then the rest of fuse_lookup(): ENOENT becomes a
   * negative dentry with no valid timeout; nodeid 0 a negative dentry cached for entry_valid;
   * invalid attributes are EIO (no FORGET: the kernel drops the entry); a child with nodeid 1 is
   * EIO. Returns 0 or -errno; on success {@code d} is instantiated. {@code evictCtr} is the
   * fc->evict_ctr sampled before the LOOKUP was sent (see {@link Inodes#fuseIget}).
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
    if (Inodes.fuseInvalidAttr(e.attr())) {
      return -Errno.EIO.value;
    }
    long generation = e.nodeid() == 1 ? 0 : e.generation(); // root generation should be zero
    FuseInode inode = k.inodes.fuseIget(e.nodeid(), generation, e.attr(), entryAttrValid(e), attrVersion,
        evictCtr);
    if (inode.nodeid == 1) {
      k.inodes.iput(inode); // out_iput: a child may not be the root
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
  int entryAttach(FuseInode inode, Reply.Entry e) {
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
    k.inodes.iput(inode);
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
    d.time = k.inodes.timeToExpiry(e.entryValidNs());
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
    if (Inodes.fuseInvalidAttr(out.attr())
        || (fi.attr.mode() & Lower.S_IFMT) != (out.attr().mode() & Lower.S_IFMT)) {
      k.inodes.fuseMakeBad(fi);
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
    if ((iaValid & ATTR_MTIME) != 0) {
      valid |= FATTR_MTIME | FATTR_MTIME_NOW;
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
    if (Inodes.fuseInvalidAttr(out.attr())
        || (fi.attr.mode() & Lower.S_IFMT) != (out.attr().mode() & Lower.S_IFMT)) {
      k.inodes.fuseMakeBad(fi);
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
   * Returns the inode, or null with the error in {@code d.time} untouched.
   */
  @Mirrors(fn = "fuse_create_open (after CREATE)", file = "fs/fuse/dir.c",
      doc = "The entry must be a regular file with a valid nodeid and attributes, else EIO; then "
          + "fuse_iget.")
  public FuseInode fuseCreateReply(Dentry d, Reply.Entry e, long attrVersion) {
    if ((e.attr().mode() & Lower.S_IFMT) != Lower.S_IFREG || e.nodeid() == 0 || e.nodeid() == 1
        || Inodes.fuseInvalidAttr(e.attr())) {
      return null;
    }
    FuseInode inode = k.inodes.fuseIget(e.nodeid(), e.generation(), e.attr(), entryAttrValid(e), attrVersion);
    d.inode = inode; // d_instantiate()
    fuseChangeEntryTimeout(d, e);
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
      k.dInvalidate(d); // fuse_invalidate_entry(): d_invalidate, then time 0
      d.time = 0;
      return err;
    }
    if (err != 0) {
      return err;
    }
    Reply.Entry e = (Reply.Entry) r.reply;
    if (e.nodeid() == 0 || e.nodeid() == 1 || Inodes.fuseInvalidAttr(e.attr())
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

  /**
   * fuse_use_readdirplus(): READDIRPLUS needs FUSE_DO_READDIRPLUS; without READDIRPLUS_AUTO it is
   * always used; with it, when a lookup in this directory advised it (FUSE_I_ADVISE_RDPLUS, cleared
   * here) or at position 0.
   */
  @Mirrors(fn = "fuse_use_readdirplus", file = "fs/fuse/readdir.c",
      doc = "READDIRPLUS if negotiated; with READDIRPLUS_AUTO only when advised or at pos 0.")
  public boolean fuseUseReaddirplus(FuseInode dir, long pos) {
    if (!k.fc.doReaddirplus) {
      return false;
    }
    if (!k.fc.readdirplusAuto) {
      return true;
    }
    if (dir.test(FuseInode.FUSE_I_ADVISE_RDPLUS)) {
      dir.clear(FuseInode.FUSE_I_ADVISE_RDPLUS);
      return true;
    }
    return pos == 0;
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

  /**
   * fuse_direntplus_link(): one READDIRPLUS record instantiates its dentry and inode. nodeid 0,
   * "." and ".." are not linked; an invalid nodeid or attributes is EIO; a cached dentry of the
   * same, fresh inode counts a lookup and takes the attributes; a negative one, another nodeid or
   * a stale inode (made bad) is invalidated and a new dentry allocated; a new dentry gets the
   * inode from fuse_iget. The record carries fuse_entry_out, never entry2, so under the series no
   * backing is attached (series.md: readdirplus-instantiated inodes get no backing, SEEN v1 cover;
   * the v2 server's do_lookup(..., setup_backing = !plus), SEEN-libfuse). Returns 0 or -errno;
   * the caller sends FORGET(nodeid, 1) for an error (fuse_force_forget).
   */
  @Mirrors(fn = "fuse_direntplus_link", file = "fs/fuse/readdir.c",
      doc = "Link one READDIRPLUS entry: nlookup+1 on a cached inode, else fuse_iget; never a "
          + "backing (fuse_entry_out).")
  public int fuseDirentplusLink(Dentry parent, String name, Reply.Entry o, long attrVersion) {
    if (o.nodeid() == 0 || name.equals(".") || name.equals("..")) {
      return 0;
    }
    if (o.nodeid() == 1 || Inodes.fuseInvalidAttr(o.attr())) {
      return -Errno.EIO.value;
    }
    long epoch = k.fc.epoch;
    Dentry d = k.dLookup(parent, name);
    if (d != null && d.inLookupBy != null) {
      return -Errno.EAGAIN.value; // d_alloc_parallel() would wait: not modelled (see below)
    }
    FuseInode fi = d == null ? null : d.inode;
    if (d != null && fi != null && fi.nodeid == o.nodeid()
        && !Inodes.fuseStaleInode(fi, o.generation(), o.attr())) {
      if (fi.isBad()) {
        return -Errno.EIO.value;
      }
      fi.nlookup++;
      k.inodes.fuseChangeAttributes(fi, o.attr(), o.attrValidNs(), attrVersion);
    } else {
      if (fi != null && fi.nodeid == o.nodeid()) {
        k.inodes.fuseMakeBad(fi); // fuse_stale_inode(): generation or type changed
      }
      if (d != null) {
        k.dInvalidate(d);
      }
      fi = k.inodes.fuseIget(o.nodeid(), o.generation(), o.attr(), o.attrValidNs(), attrVersion);
      d = k.dAllocParallel(parent, name, null);
      d.inode = fi; // d_splice_alias()
      k.dLookupDone(d);
      d.dCount--; // dput(dentry): the dentry stays cached, unused
    }
    if (k.fc.readdirplusAuto) {
      fi.set(FuseInode.FUSE_I_INIT_RDPLUS);
    }
    d.dTime = epoch;
    fuseChangeEntryTimeout(d, o);
    return 0;
  }

  /** The site of the fuse_do_setattr WARN_ON for ATTR_SIZE on a non-regular inode. */
  public boolean warnSizeOnNonRegular(FuseInode fi) {
    return k.warnOn(!fi.isReg(), C + "fuse_do_setattr", "WARN_ON(!S_ISREG(inode->i_mode))");
  }
}
