package fusesim.model.fuse;

import fusesim.model.Lower;

/**
 * struct fuse_backing (fs/fuse/fuse_i.h, 6.18: file, cred, count, rcu).
 *
 * <p>{@code label} is the id BACKING_OPEN returned for it; it stays as a name after
 * BACKING_CLOSE removes the id, so traces and reports can still say "backing 1".
 */
public final class FuseBacking {
  public final int label;
  /** The lower inode behind fb->file. */
  public final Lower.Node file;
  /** The credentials of the BACKING_OPEN caller (fb->cred); the model keeps the uid. */
  public final int credUid;
  /** refcount_t count. */
  public int count = 1;
  /** Freed by fuse_backing_free: any later get or put is a use after free. */
  public boolean freed;
  /** v2 02/21 (INF): ops_mask stored at BACKING_OPEN; 0 in mainline. */
  public long opsMask;

  public FuseBacking(int label, Lower.Node file, int credUid) {
    this.label = label;
    this.file = file;
    this.credUid = credUid;
  }

  @Override
  public String toString() {
    return "backing " + label;
  }
}
