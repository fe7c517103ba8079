package fusesim.model.vfs;

import fusesim.model.fuse.FuseInode;
import java.util.TreeMap;

/**
 * struct dentry with FUSE's d_fsdata time (fuse_dentry_settime) and d_time (epoch).
 */
public final class Dentry {
  public final Dentry parent;
  public final String name;
  /** null for a negative dentry. */
  public FuseInode inode;
  /** Entry expiry in model nanoseconds (fuse_dentry_time); 0 = expired. */
  public long time;
  /** entry->d_time: fc->epoch sampled at lookup. */
  public long dTime;
  /** d_count: open files, walks in progress. Children are counted separately. */
  public int dCount;
  /** Live children, hashed or not: each pins this dentry (a child holds a d_parent reference). */
  public int liveChildren;
  /** Killed (dentry_kill): gone for good. */
  public boolean killed;
  /** Still hashed (d_unhashed() false). */
  public boolean hashed = true;
  /** A lookup is in progress on it (d_in_lookup): other walkers wait (d_alloc_parallel). */
  public String inLookupBy;
  public final TreeMap<String, Dentry> children = new TreeMap<>();
  /**
   * Ghost state for the spec (no kernel field): the nodeid of the last LOOKUP reply that
   * revalidated this dentry, 0 if none.
   */
  public long revalNodeid;

  public Dentry(Dentry parent, String name) {
    this.parent = parent;
    this.name = name;
  }

  public boolean negative() {
    return inode == null;
  }

  public String path() {
    if (parent == null) {
      return "/";
    }
    String pp = parent.path();
    return (pp.equals("/") ? "" : pp) + "/" + name;
  }

  @Override
  public String toString() {
    return "dentry " + path();
  }
}
