package fusesim.model;

/**
 * The inode rwsem (inode_lock / inode_lock_shared) and fi->mutex (fuse_lock_inode): a syscall
 * that cannot take one sleeps on it and retries when the holder releases it. Readers are not
 * fair to writers, as in the model nothing waits long.
 */
final class Locks {
  private Locks() {}

  static boolean downWrite(Kernel k, FuseInode fi, Syscall s) {
    if (fi.rwsem != 0) {
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
    fi.rwsem = -1;
    return true;
  }

  static boolean downRead(Kernel k, FuseInode fi, Syscall s) {
    if (fi.rwsem < 0) {
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
    fi.rwsem++;
    return true;
  }

  static void upWrite(Kernel k, FuseInode fi) {
    fi.rwsem = 0;
    k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
  }

  static void upRead(Kernel k, FuseInode fi) {
    if (--fi.rwsem == 0) {
      k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
  }

  /** fuse_lock_inode(): fi->mutex, only without FUSE_PARALLEL_DIROPS. */
  @Mirrors(fn = "fuse_lock_inode", file = "fs/fuse/inode.c",
      doc = "Take fi->mutex, only without FUSE_PARALLEL_DIROPS.")
  static boolean fuseLockInode(Kernel k, FuseInode fi, Syscall s) {
    if (k.fc.parallelDirops) {
      return true;
    }
    if (fi.mutexOwner != null) {
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.FI_MUTEX));
    }
    fi.mutexOwner = s.thread.name;
    return true;
  }

  static void fuseUnlockInode(Kernel k, FuseInode fi) {
    if (k.fc.parallelDirops) {
      return;
    }
    fi.mutexOwner = null;
    k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.FI_MUTEX));
  }
}
