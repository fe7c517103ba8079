package fusesim.model.fuse;

import fusesim.model.Bytes;
import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;

/**
 * fs/fuse/passthrough.c: the per-open backing file of a passthrough open, and I/O through it.
 */
public final class Passthrough {
  private final Kernel k;

  /** fuse_passthrough_open()'s result: the fb with an extra reference, or an error. */
  public record Opened(FuseBacking fb, int err) {}

  public Passthrough(Kernel k) {
    this.k = k;
  }

  /**
   * fuse_passthrough_open(file, backing_id): EINVAL for id <= 0, ENOENT for an unknown id; else
   * backing_file_open() of fb->file's path with fb->cred, kept in ff->passthrough.
   */
  @Mirrors(fn = "fuse_passthrough_open", file = "fs/fuse/passthrough.c", patches = {16},
      doc = "EINVAL for id <= 0, ENOENT for an unknown id; else backing_file_open with fb->cred; "
          + "16: id 0 inherits.")
  public Opened fusePassthroughOpen(FuseFile ff, int backingId) {
    FuseBacking fb;
    if (backingId == 0 && (k.sem.has(16) || ff.kernelOpened)) {
      fb = k.inodePt.inherit(ff.inode); // v2 16/21: inherit the inode's lifetime backing
    } else if (backingId <= 0) {
      return new Opened(null, -Errno.EINVAL.value);
    } else {
      fb = k.backing.fuseBackingLookup(backingId);
    }
    if (fb == null) {
      return new Opened(null, -Errno.ENOENT.value);
    }
    ff.passthrough = fb.file; // backing_file_open(): a new struct file on the backing path
    ff.passthroughLabel = fb.label;
    ff.passthroughOps = k.inodePt.effectiveOps(fb);
    return new Opened(fb, 0);
  }

  /** fuse_passthrough_release(): fput(ff->passthrough), put_cred(ff->cred). */
  @Mirrors(fn = "fuse_passthrough_release", file = "fs/fuse/passthrough.c",
      doc = "fput(ff->passthrough), put_cred(ff->cred).")
  public void fusePassthroughRelease(FuseFile ff) {
    ff.passthrough = null;
  }

  /** fuse_passthrough_read_iter() → backing_file_read_iter(): reads the backing file. */
  @Mirrors(fn = "fuse_passthrough_read_iter", file = "fs/fuse/passthrough.c",
      doc = "Read the backing file (backing_file_read_iter), no request.")
  public Bytes readIter(FuseFile ff, long pos, long count) {
    Lower.Node f = ff.passthrough;
    long n = Math.max(0, Math.min(count, f.size - pos));
    if (k.faults.on(Fault.PASSTHROUGH_READ_PAST_EOF) && count > n && pos <= f.size) {
      n++; // planted: one byte past the backing file's end
    }
    return f.data.read(pos, n);
  }

  /**
   * fuse_passthrough_write_iter() → backing_file_write_iter() under inode_lock; its end_write
   * calls fuse_write_update_attr().
   */
  @Mirrors(fn = "fuse_passthrough_write_iter", file = "fs/fuse/passthrough.c",
      doc = "Write the backing file under inode_lock; end_write calls fuse_write_update_attr.")
  public long writeIter(FuseFile ff, long pos, long count, Bytes data) {
    Lower.Node f = ff.passthrough;
    f.write(pos, data);
    f.size = Math.max(f.size, pos + count);
    f.mtime = f.ctime = k.now;
    k.files.fuseWriteUpdateAttr(ff.inode, pos + count, count);
    return count;
  }
}
