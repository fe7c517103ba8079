package fusesim.model.vfs;

import fusesim.model.fuse.FuseFile;

/**
 * struct file: what an fd or a mapping refers to. f_count counts fds (dup) and the vmas of
 * non-passthrough mappings; passthrough mappings switch vm_file to the backing file
 * (backing_file_mmap → vma_set_file), so they do not pin it.
 */
public final class KFile {
  public final int serial;
  public final Dentry dentry;
  public final FuseFile ff;
  public final int fFlags;
  public int fCount = 1;
  public long pos;
  /** file->f_pos_lock: the thread holding it (read/write through the file position), or null. */
  public String posLockOwner;
  /** Threads waiting for f_pos_lock, in the order they came (the mutex hands it over in order). */
  public final java.util.List<String> posLockWaiters = new java.util.ArrayList<>();

  public KFile(int serial, Dentry dentry, FuseFile ff, int fFlags) {
    this.serial = serial;
    this.dentry = dentry;
    this.ff = ff;
    this.fFlags = fFlags;
  }

  public boolean writable() {
    return (fFlags & 3) != 0;
  }

  /** FMODE_READ: opened O_RDONLY or O_RDWR. */
  public boolean readable() {
    return (fFlags & Uapi.O_ACCMODE) != Uapi.O_WRONLY;
  }
}
