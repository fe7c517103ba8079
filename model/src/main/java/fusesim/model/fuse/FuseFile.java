package fusesim.model.fuse;

import fusesim.model.Lower;

/**
 * struct fuse_file (fs/fuse/fuse_i.h): the per-open FUSE state.
 */
public final class FuseFile {
  /** enum fuse_file_io_mode (fs/fuse/fuse_i.h). */
  public enum IoMode { IOM_NONE, IOM_CACHED, IOM_UNCACHED }

  public final int serial;
  public final FuseInode inode;
  public final long nodeid;
  public long fh;
  public int openFlags;
  /** ff->count. */
  public int count = 1;
  /**
   * ff->args: open_outarg, then reused as release args. Null only for directories opened with
   * no_opendir (and regular files with no_open in the model: the kernel still allocates it).
   */
  public boolean hasArgs = true;
  /** Backing id from the OPEN reply (ff->args->open_outarg.backing_id). */
  public int openBackingId;
  public IoMode iomode = IoMode.IOM_NONE;
  /**
   * ff->passthrough: the per-open backing file (a struct file on the backing path, not a
   * reference to the fuse_backing), or null.
   */
  public Lower.Node passthrough;
  /** The backing id it was opened from, for reports. */
  public int passthroughLabel;
  /** v2 02/21, 09/21: the ops the backing grants (effective ops_mask), for partial io. */
  public long passthroughOps;
  /** v1: opened by the kernel on the lifetime backing, without FUSE_OPEN (OP_OPEN in the mask). */
  public boolean kernelOpened;
  public final boolean isDir;
  /** File released (fuse_file_put reached zero). */
  public boolean released;
  /**
   * Ghost state for the spec (no kernel field): how many page-cache pages the inode had when
   * this open completed.
   */
  public int pagesAtOpen;
  /** READDIR position. */
  public long dirPos;

  public FuseFile(int serial, FuseInode inode, boolean isDir) {
    this.serial = serial;
    this.inode = inode;
    this.nodeid = inode.nodeid;
    this.isDir = isDir;
  }

  @Override
  public String toString() {
    return "fuse_file#" + serial;
  }
}
