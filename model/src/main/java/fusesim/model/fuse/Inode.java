package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.MountConfig;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.ReplySpec;
import fusesim.model.Syscall;
import fusesim.model.WaitQueue;
import fusesim.model.series.Assumption;
import fusesim.model.vfs.Dentry;
import java.util.ArrayList;

/**
 * fs/fuse/inode.c: fuse_iget, attribute updates, eviction with FORGET, and connection teardown.
 */
public final class Inode {
  private static final String C = "fs/fuse/inode.c:";
  private final Kernel k;

  public Inode(Kernel k) {
    this.k = k;
  }

  /** fuse_stale_inode(): the generation or the file type changed. */
  @Mirrors(fn = "fuse_stale_inode", file = "fs/fuse/inode.c",
      doc = "The generation or the file type changed.")
  static boolean fuseStaleInode(FuseInode fi, long generation, FuseAttr a) {
    return fi.generation != generation
        || (fi.attr.mode() & Lower.S_IFMT) != (a.mode() & Lower.S_IFMT);
  }

  /**
   * fuse_iget(): the inode for nodeid (iget5_locked keys on nodeid only), created if needed; a
   * stale one (generation or type change) is made bad and unhashed, and a fresh one is created,
   * except for the root. Counts one lookup and returns one inode reference.
   */
  @Mirrors(fn = "fuse_iget", file = "fs/fuse/inode.c",
      doc = "The inode for nodeid, created if needed; a stale one is made bad and replaced; "
          + "nlookup++.")
  public FuseInode fuseIget(long nodeid, long generation, FuseAttr attr, long attrValidNs,
      long attrVersion) {
    return fuseIget(nodeid, generation, attr, attrValidNs, attrVersion, 0);
  }

  /**
   * fuse_iget() with the evict_ctr fuse_lookup_name() sampled before its LOOKUP (0 from a create:
   * no check). A new inode keeps its attributes invalid (inval_mask starts at ~0 and
   * fuse_change_attributes_common() does not clear it) when an inode was evicted while the
   * request was out: the reply may predate that eviction (v6.13 "fuse: check attributes
   * staleness on fuse_iget()"; seen on 6.18.44: the next stat sends GETATTR).
   */
  @Mirrors(fn = "fuse_iget", file = "fs/fuse/inode.c",
      doc = "fuse_iget with evict_ctr: a new inode whose LOOKUP raced an eviction keeps its "
          + "attributes invalid.")
  public FuseInode fuseIget(long nodeid, long generation, FuseAttr attr, long attrValidNs,
      long attrVersion, long evictCtr) {
    boolean fresh = false;
    while (true) {
      FuseInode fi = k.inodeHash.get(nodeid);
      if (fi == null) {
        fi = new FuseInode(k.nextSerial++, nodeid, generation, attr);
        k.inodeHash.put(nodeid, fi);
        k.allInodes.add(fi);
        fresh = true;
      } else if (fuseStaleInode(fi, generation, attr)) {
        fi.fuseMakeBad(); // nodeid was reused: any I/O on the old inode fails
        if (fi != k.root.inode) {
          fi.hashed = false;
          k.inodeHash.remove(nodeid);
          continue;
        }
      }
      fi.iCount++;
      fi.nlookup++;
      fuseChangeAttributes(fi, attr, attrValidNs, attrVersion);
      if (fresh && evictCtr != 0 && evictCtr != k.fc.evictCtr) {
        fi.invalMask |= Dir.STATX_BASIC_STATS; // fuse_change_attributes_common(): not cleared
      }
      return fi;
    }
  }

  /**
   * fuse_change_attributes(): apply a reply's attributes unless a newer local change happened
   * since the request sampled attr_version (or a truncate is in flight).
   */
  @Mirrors(fn = "fuse_change_attributes", file = "fs/fuse/inode.c", patches = {6},
      doc = "Apply a reply's attributes unless a newer local change happened; with a GETATTR "
          + "backing they come from it (A10).")
  public void fuseChangeAttributes(FuseInode fi, FuseAttr attr, long attrValidNs, long attrVersion) {
    if (k.inodePt.attrsFromBacking(fi)) {
      return; // v2 06/21, A10: the server's attributes are ignored
    }
    if ((attrVersion != 0 && fi.attrVersion > attrVersion)
        || fi.test(FuseInode.FUSE_I_SIZE_UNSTABLE)) {
      return;
    }
    fuseChangeAttributesCommon(fi, attr, attrValidNs);
    long oldSize = fi.attr.size();
    fi.attr = fi.attr.withSize(attr.size());
    if (fi.isReg() && oldSize != attr.size()) {
      fi.pages.clear(); // truncate_pagecache() + invalidate
    }
  }

  /** fuse_change_attributes_common(): everything but the size; the file type is kept. */
  @Mirrors(fn = "fuse_change_attributes_common", file = "fs/fuse/inode.c",
      doc = "Everything but the size; the file type is kept.")
  void fuseChangeAttributesCommon(FuseInode fi, FuseAttr attr, long attrValidNs) {
    fi.invalMask = 0;
    fi.attrVersion = ++k.fc.attrVersion;
    fi.iTime = k.dir.timeToExpiry(attrValidNs);
    int mode = (fi.attr.mode() & Lower.S_IFMT) | (attr.mode() & 07777);
    fi.attr = new FuseAttr(attr.ino(), mode, fi.attr.size(), attr.nlink(), attr.uid(), attr.gid(),
        attr.mtime(), attr.ctime());
  }

  /**
   * fuse_evict_inode(): one FORGET with the whole lookup count (only while the sb is active, not
   * at umount), then fuse_free_inode() puts fi->fb.
   */
  @Mirrors(fn = "fuse_evict_inode", file = "fs/fuse/inode.c", patches = {5},
      doc = "One FORGET with the whole nlookup while the sb is active; 05 drops the lifetime "
          + "backing.")
  public void fuseEvictInode(FuseInode fi) {
    fi.evicted = true;
    if (fi.hashed) {
      k.inodeHash.remove(fi.nodeid);
      fi.hashed = false;
    }
    if (k.sbActive && fi.nlookup > 0) {
      long n = k.faults.on(Fault.FORGET_WRONG_NLOOKUP) && fi.nlookup > 1 ? fi.nlookup - 1 : fi.nlookup;
      k.dev.queueForget(fi.nodeid, n);
      if (fi.attr.nlink() > 0) {
        k.fc.evictCtr++;
      }
    }
    fi.nlookup = 0;
    k.inodePt.releaseLifetimeBacking(fi); // v2 05/21: the lifetime backing goes with the inode
    if (fi.isReg() && !fi.isBad()) {
      k.warnOn(fi.iocachectr != 0, C + "fuse_evict_inode", "WARN_ON(fi->iocachectr != 0)");
    }
    k.backing.fuseBackingPut(fi.fb); // fuse_free_inode()
    fi.fb = null;
    k.allInodes.remove(fi);
  }

  /**
   * mount(2) and INIT: process_init_reply() decides the features; then fuse_get_root_inode()
   * makes the root inode with nlookup 1.
   */
  @Mirrors(fn = "fuse_fill_super", file = "fs/fuse/inode.c",
      doc = "mount(2) and INIT (process_init_reply), then fuse_get_root_inode with nlookup 1.")
  public void fuseFillSuper(MountConfig m) {
    processInitReply(m);
    k.mounted = true;
    k.sbActive = true;
    if (m.noOpen) {
      k.server.policy(Opcode.OPEN, null, ReplySpec.error(Errno.ENOSYS));
    }
    if (m.noOpendir) {
      k.server.policy(Opcode.OPENDIR, null, ReplySpec.error(Errno.ENOSYS));
    }
    if (m.noFlush) {
      k.server.policy(Opcode.FLUSH, null, ReplySpec.error(Errno.ENOSYS));
    }
    k.root = new Dentry(null, "/");
    k.root.time = Reply.INF;
    k.root.dCount = 1;
    k.liveDentries.add(k.root);
    FuseInode ri = new FuseInode(k.nextSerial++, 1, 0, FuseAttr.of(k.lower.root).withIno(1));
    ri.nlookup = 1;
    ri.iCount = 1;
    ri.iTime = 0;
    k.inodeHash.put(1L, ri);
    k.allInodes.add(ri);
    k.root.inode = ri;
  }

  /**
   * umount(2) of a mount with nothing open: fuse_kill_sb_anon() → fuse_conn_destroy() aborts the
   * connection (no DESTROY for plain fuse), the dcache is shrunk and every inode evicted without
   * FORGET, and fuse_conn_put() frees the backing ids. Returns false (EBUSY) if files or
   * page-cache mappings are still open.
   */
  @Mirrors(fn = "fuse_kill_sb_anon", file = "fs/fuse/inode.c",
      doc = "umount: abort the connection, kill every dentry, evict inodes without FORGET, free "
          + "backing ids; EBUSY if files are open.")
  public boolean fuseKillSbAnon() {
    if (!k.fds.isEmpty() || k.vmas.values().stream().anyMatch(v -> v.backing == null)) {
      return false; // passthrough mappings map the backing file and do not pin the mount
    }
    k.dev.abortConn();
    k.runUntilQuiet();
    k.sbActive = false;
    // shrink_dcache_for_umount(): every dentry dies, hashed or not, children before parents
    while (!k.liveDentries.isEmpty()) {
      for (Dentry d : new ArrayList<>(k.liveDentries)) {
        if (d.liveChildren == 0) {
          d.dCount = 0;
          k.dcache.dKill(d);
        }
      }
    }
    for (FuseInode fi : new ArrayList<>(k.allInodes)) {
      if (!fi.evicted && fi.iCount == 0) {
        fuseEvictInode(fi);
      }
    }
    k.backing.fuseBackingFilesFree();
    k.unmounted = true;
    return true;
  }

  /**
   * fuse_ilookup(): the hashed inode with this nodeid (ilookup5 on the inode hash), or null. The
   * daemon names inodes by nodeid in notifications, so the inode found is the one the nodeid
   * names now (after a nodeid was reused, the new one), whatever dentry the path had.
   */
  @Mirrors(fn = "fuse_ilookup", file = "fs/fuse/inode.c",
      doc = "The hashed inode for a nodeid, as notifications find it; null if none.")
  public FuseInode fuseIlookup(Long nodeid) {
    return nodeid == null ? null : k.inodeHash.get(nodeid);
  }

  /**
   * process_init_reply() (fs/fuse/inode.c): passthrough is on only with INIT_EXT, FUSE_PASSTHROUGH
   * in flags2, 1 <= max_stack_depth <= FILESYSTEM_MAX_STACK_DEPTH (2) and no WRITEBACK_CACHE;
   * otherwise it is silently off. An INIT error sets conn_error.
   */
  @Mirrors(fn = "process_init_reply", file = "fs/fuse/inode.c", patches = {1},
      doc = "Passthrough needs INIT_EXT, FUSE_PASSTHROUGH, 1 <= max_stack_depth <= 2, no writeback "
          + "cache; 01 adds PASSTHROUGH_INO.")
  public void processInitReply(MountConfig m) {
    FuseConn fc = k.fc;
    fc.initialized = true;
    fc.defaultPermissions = m.defaultPermissions;
    if (m.initError != 0) {
      fc.connError = true;
      return;
    }
    boolean flags2 = !m.noInitExt; // flags2 is read only with FUSE_INIT_EXT
    fc.writebackCache = m.writebackCache;
    fc.parallelDirops = m.parallelDirops;
    fc.directIoAllowMmap = flags2 && m.directIoAllowMmap;
    fc.atomicOTrunc = m.atomicOTrunc;
    fc.handleKillpriv = m.handleKillpriv;
    fc.handleKillprivV2 = m.handleKillprivV2;
    fc.autoInvalData = m.autoInvalData;
    // process_init_reply(): FUSE_DO_READDIRPLUS, and READDIRPLUS_AUTO only with it; the mount
    // option readdirplus_auto stands for an INIT reply with both bits (as the kernel harness sends)
    fc.doReaddirplus = m.readdirplus || m.readdirplusAuto;
    fc.readdirplusAuto = m.readdirplusAuto;
    // the default_permissions mount option: fuse_permission() checks with generic_permission()
    // (Dir.Permission); it is the mount's, so it holds even if INIT failed
    if (flags2 && m.passthrough && m.maxStackDepth >= 1 && m.maxStackDepth <= 2
        && !m.writebackCache) {
      fc.passthrough = true;
      fc.maxStackDepth = m.maxStackDepth;
      // v2 01/21: FUSE_PASSTHROUGH_INO, offered on 64-bit only; accepted with passthrough.
      fc.passthroughIno = k.sem.has(1) && m.passthroughIno;
    } else if (k.sem.has(1) && m.passthroughIno
        && k.sem.is(Assumption.INO_WITHOUT_PASSTHROUGH, "conn-error")) {
      fc.connError = true; // A14: PASSTHROUGH_INO accepted without PASSTHROUGH
    }
  }

  /** fuse_lock_inode(): fi->mutex, only without FUSE_PARALLEL_DIROPS. */
  @Mirrors(fn = "fuse_lock_inode", file = "fs/fuse/inode.c",
      doc = "Take fi->mutex, only without FUSE_PARALLEL_DIROPS.")
  public static boolean fuseLockInode(Kernel k, FuseInode fi, Syscall s) {
    if (k.fc.parallelDirops) {
      return true;
    }
    if (fi.mutexOwner != null) {
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.FI_MUTEX));
    }
    fi.mutexOwner = s.thread.name;
    return true;
  }

  public static void fuseUnlockInode(Kernel k, FuseInode fi) {
    if (k.fc.parallelDirops) {
      return;
    }
    fi.mutexOwner = null;
    k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.FI_MUTEX));
  }
}
