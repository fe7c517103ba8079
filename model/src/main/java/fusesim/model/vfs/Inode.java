package fusesim.model.vfs;

import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.fuse.FuseInode;

/**
 * fs/inode.c: the VFS side of an inode's life: iput() and, on the last reference,
 * eviction through the file system's evict_inode ({@link fusesim.model.fuse.Inode#fuseEvictInode}).
 */
public final class Inode {
  private final Kernel k;

  public Inode(Kernel k) {
    this.k = k;
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
      k.inodes.fuseEvictInode(fi);
    }
  }

  /** inode_owner_or_capable(): fsuid owns the inode, or CAP_FOWNER (the model's root). */
  @Mirrors(fn = "inode_owner_or_capable", file = "fs/inode.c",
      doc = "The caller's fsuid is the inode's uid, or it has CAP_FOWNER.")
  static boolean ownerOrCapable(fusesim.model.UserThread t, FuseInode fi) {
    return t.uid == fi.attr.uid() || t.capable();
  }
}
