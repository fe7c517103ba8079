package fusesim.model;

/**
 * A wait queue a thread can sleep on (wait_event): a FUSE inode's direct_io_waitq, the inode
 * rwsem or fi->mutex, a file's f_pos_lock, or a dentry being looked up (d_alloc_parallel's in-lookup
 * wait).
 */
public record WaitQueue(Object owner, Kind kind) {
  public enum Kind { DIRECT_IO_WAITQ, INODE_RWSEM, FI_MUTEX, IN_LOOKUP, F_POS_LOCK }

  @Override
  public boolean equals(Object o) {
    return o instanceof WaitQueue && ((WaitQueue) o).owner == owner && ((WaitQueue) o).kind == kind;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(owner) * 31 + kind.ordinal();
  }
}
