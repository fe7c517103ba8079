package fusesim.model.vfs;

import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.Server;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.FuseInode;
import java.util.ArrayList;

/**
 * fs/dcache.c (and drop_caches): the dentry cache of the mount: lookups in the hash,
 * in-lookup dentries, invalidation, dput and dentry_kill, pruning.
 */
public final class Dcache {
  private final Kernel k;

  public Dcache(Kernel k) {
    this.k = k;
  }

  /** d_lookup(): the hashed child dentry, or null. */
  @Mirrors(fn = "d_lookup", file = "fs/dcache.c",
      doc = "The hashed child dentry, or null.")
  public Dentry dLookup(Dentry parent, String name) {
    return parent.children.get(name);
  }

  /** The cached dentry for a path, without lookups; null if any component is not cached. */
  public Dentry dcacheWalk(String path) {
    Dentry d = k.root;
    for (String c : Lower.components(path)) {
      d = d == null ? null : d.children.get(c);
    }
    return d;
  }

  /** d_alloc_parallel(): a new in-lookup dentry, hashed in its parent. */
  @Mirrors(fn = "d_alloc_parallel", file = "fs/dcache.c",
      doc = "A new in-lookup dentry, hashed in its parent.")
  public Dentry dAllocParallel(Dentry parent, String name, String thread) {
    Dentry d = new Dentry(parent, name);
    d.inLookupBy = thread;
    d.dCount = 1;
    parent.children.put(name, d);
    parent.liveChildren++;
    k.liveDentries.add(d);
    return d;
  }

  /** d_lookup_done(): wakes the walkers waiting for this lookup. */
  @Mirrors(fn = "d_lookup_done", file = "fs/dcache.c",
      doc = "Wake the walkers waiting for this lookup.")
  public void dLookupDone(Dentry d) {
    d.inLookupBy = null;
    k.wakeUp(new WaitQueue(d, WaitQueue.Kind.IN_LOOKUP));
  }

  /**
   * d_invalidate(): unhash the dentry and shrink_dcache_parent() its subtree: unused children
   * die, children in use stay (hashed under the now unhashed parent, which they pin). The
   * dentry itself dies now if unused, else at its last dput.
   */
  @Mirrors(fn = "d_invalidate", file = "fs/dcache.c",
      doc = "Unhash and shrink the subtree: unused children die, children in use stay.")
  public void dInvalidate(Dentry d) {
    if (d.parent != null && d.parent.children.get(d.name) == d) {
      d.parent.children.remove(d.name);
    }
    d.hashed = false;
    shrinkParent(d);
    if (d.dCount == 0 && d.liveChildren == 0) {
      dKill(d);
    }
  }

  /** shrink_dcache_parent(): kills the unused dentries below {@code d}, leaves first. */
  @Mirrors(fn = "shrink_dcache_parent", file = "fs/dcache.c",
      doc = "Kill the unused dentries below d, leaves first.")
  private void shrinkParent(Dentry d) {
    for (Dentry c : new ArrayList<>(d.children.values())) {
      shrinkParent(c);
      if (c.dCount == 0 && c.liveChildren == 0 && c.inLookupBy == null) {
        dKill(c);
      }
    }
  }

  /**
   * d_move(): the renamed dentry takes the target's name and parent, keeping its inode and its
   * entry time; the target, if any, is unhashed (it dies at its last dput, dropping the
   * overwritten inode). Dentry names are final here, so the move is a new hashed dentry with the
   * inode's reference, and the old one unhashed (an open file keeps pinning it, as the
   * kernel's file pins the moved dentry; what it pins is not observable). A directory whose
   * children are cached is not moved (NotModelled at the syscall).
   */
  @Mirrors(fn = "d_move", file = "fs/dcache.c",
      doc = "rename: the dentry moves to the new name with its inode and time; the target is unhashed.")
  public void dMove(Dentry old, Dentry target) {
    Dentry moved = copyAt(old, target);
    dInvalidate(target);
    hash(moved);
    dInvalidate(old);
  }

  /** d_exchange(): RENAME_EXCHANGE swaps the two names' inodes (and entry times). */
  @Mirrors(fn = "d_exchange", file = "fs/dcache.c",
      doc = "RENAME_EXCHANGE: the two dentries swap names.")
  public void dExchange(Dentry a, Dentry b) {
    Dentry na = copyAt(a, b);
    Dentry nb = copyAt(b, a);
    dInvalidate(a);
    dInvalidate(b);
    hash(na);
    hash(nb);
  }

  /** A new dentry at {@code at}'s name holding {@code from}'s inode (a reference) and times. */
  private static Dentry copyAt(Dentry from, Dentry at) {
    Dentry n = new Dentry(at.parent, at.name);
    n.inode = from.inode;
    n.time = from.time;
    n.dTime = from.dTime;
    n.revalNodeid = from.revalNodeid;
    if (n.inode != null) {
      n.inode.iCount++; // the moved dentry's inode reference; the old dentry drops its own
    }
    return n;
  }

  private void hash(Dentry n) {
    n.parent.children.put(n.name, n);
    n.parent.liveChildren++;
    k.liveDentries.add(n);
  }

  /** dput(). */
  @Mirrors(fn = "dput", file = "fs/dcache.c",
      doc = "Drop a dentry reference; an unhashed unused dentry dies.")
  public void dput(Dentry d) {
    if (d.dCount <= 0) {
      k.finding("fs/dcache.c:dput", "dput on a dentry with d_count 0");
      return;
    }
    if (--d.dCount == 0 && !d.hashed && d.liveChildren == 0) {
      dKill(d);
    }
  }

  /** dentry_kill(): drops the inode reference of a dead dentry. */
  @Mirrors(fn = "dentry_kill", file = "fs/dcache.c",
      doc = "A dead dentry drops its inode reference (iput) and its parent's.")
  public void dKill(Dentry d) {
    if (d.killed) {
      return;
    }
    d.killed = true;
    d.hashed = false;
    k.liveDentries.remove(d);
    FuseInode fi = d.inode;
    d.inode = null;
    if (fi != null) {
      k.icache.iput(fi);
    }
    Dentry p = d.parent;
    if (p != null) {
      if (p.children.get(d.name) == d) {
        p.children.remove(d.name);
      }
      p.liveChildren--; // the d_parent reference goes: an unhashed, unused parent dies too
      if (!p.hashed && p.dCount == 0 && p.liveChildren == 0) {
        dKill(p);
      }
    }
  }

  /**
   * {@code evict PATH}: FUSE_NOTIFY_PRUNE of the nodeid the daemon last gave for the path
   * (fuse_notify_prune() → fuse_ilookup(), fs/fuse/dev.c; {@link Server#notifyNodeid}: the
   * daemon names an inode, not a dentry, so a path whose dentry died still names its inode while
   * another alias keeps it; seen on 6.18.44), then d_prune_aliases() on that inode: its unused
   * dentries are dropped, and the inode is evicted (FORGET) once nothing else holds it. They go
   * through shrink_dentry_list() → shrink_kill() (fs/dcache.c): when __dentry_kill() drops the
   * last reference of the parent, shrink_kill() kills the parent too, with no retain_dentry()
   * check (unlike dput()), and so on up to the root: pruning /d/e also evicts an unused /d (seen
   * on 6.18.44: FORGET(20,1) FORGET(21,1)).
   */
  @Mirrors(fn = "d_prune_aliases", file = "fs/dcache.c",
      doc = "FUSE_NOTIFY_PRUNE: unused aliases are dropped, the inode evicted once nothing holds "
          + "it.")
  public void dPruneAliases(FuseInode fi) {
    for (Dentry alias : new ArrayList<>(k.liveDentries)) {
      if (alias.inode != fi) {
        continue;
      }
      if (alias != k.root && alias.dCount == 0 && alias.liveChildren == 0 && alias.inLookupBy == null) {
        Dentry parent = alias.parent;
        dKill(alias);
        // shrink_kill(): the parent whose count dropped to 0 is killed in turn
        while (parent != null && parent != k.root && !parent.killed && parent.dCount == 0
            && parent.liveChildren == 0 && parent.inLookupBy == null) {
          Dentry up = parent.parent;
          dKill(parent);
          parent = up;
        }
      }
    }
  }

  /** {@code drop_caches} (echo 2): prunes every unused dentry, leaves first, until none is left. */
  @Mirrors(fn = "shrink_dcache_sb", file = "fs/drop_caches.c",
      doc = "echo 2 > drop_caches: every unused dentry is pruned, leaves first.")
  public void shrinkDcacheSb() {
    boolean pruned = true;
    while (pruned) {
      pruned = false;
      for (Dentry d : new ArrayList<>(k.liveDentries)) {
        if (!d.killed && d != k.root && d.dCount == 0 && d.liveChildren == 0 && d.inLookupBy == null) {
          dKill(d);
          pruned = true;
        }
      }
    }
  }
}
