package fusesim.model.fuse;

import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.Reply;

/**
 * fs/fuse/inode.c: fuse_iget, attribute updates, eviction with FORGET, and connection teardown.
 */
public final class Inode {
  private static final String C = "fs/fuse/inode.c:";
  private final Kernel k;

  public Inode(Kernel k) {
    this.k = k;
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

  /** fuse_stale_inode(): the generation or the file type changed. */
  @Mirrors(fn = "fuse_stale_inode", file = "fs/fuse/inode.c",
      doc = "The generation or the file type changed.")
  static boolean fuseStaleInode(FuseInode fi, long generation, FuseAttr a) {
    return fi.generation != generation
        || (fi.attr.mode() & Lower.S_IFMT) != (a.mode() & Lower.S_IFMT);
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
        fuseMakeBad(fi); // nodeid was reused: any I/O on the old inode fails
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

  /** fuse_make_bad(). */
  @Mirrors(fn = "fuse_make_bad", file = "fs/fuse/fuse_i.h",
      doc = "Set FUSE_I_BAD: later operations on the inode fail with EIO.")
  public void fuseMakeBad(FuseInode fi) {
    fi.set(FuseInode.FUSE_I_BAD);
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
    fi.iTime = timeToExpiry(attrValidNs);
    int mode = (fi.attr.mode() & Lower.S_IFMT) | (attr.mode() & 07777);
    fi.attr = new FuseAttr(attr.ino(), mode, fi.attr.size(), attr.nlink(), attr.uid(), attr.gid(),
        attr.mtime(), attr.ctime());
  }

  /**
   * fuse_write_update_attr(): a write (to the server or the backing file) ended at pos: bump
   * attr_version, grow i_size, and invalidate STATX_MODSIZE so the next stat asks the server.
   */
  @Mirrors(fn = "fuse_write_update_attr", file = "fs/fuse/file.c",
      doc = "A write ended at pos: bump attr_version, grow i_size, invalidate the attributes.")
  public void fuseWriteUpdateAttr(FuseInode fi, long pos, long written) {
    fi.attrVersion = ++k.fc.attrVersion;
    if (written > 0 && pos > fi.attr.size()) {
      fi.attr = fi.attr.withSize(pos);
    }
    fi.invalMask |= Dir.FUSE_STATX_MODSIZE; // fuse_invalidate_attr_mask(inode, FUSE_STATX_MODSIZE)
  }

  /** iput(): FUSE deletes an inode on its last reference (generic_delete_inode). */
  @Mirrors(fn = "iput", file = "fs/inode.c",
      doc = "On the last reference FUSE deletes the inode (generic_delete_inode) and evicts it.")
  public void iput(FuseInode fi) {
    if (fi.iCount <= 0) {
      k.finding("fs/inode.c:iput", "iput on an inode with i_count 0");
      return;
    }
    if (--fi.iCount == 0) {
      fuseEvictInode(fi);
    }
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
}
