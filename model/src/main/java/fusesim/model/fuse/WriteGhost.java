package fusesim.model.fuse;

import fusesim.model.Bytes;
import fusesim.model.Lower;

/**
 * Ghost for the PT-WRITE-RESULT invariant: the passthrough write(2)/pwrite(2) that returned in the
 * current step, with what the backing file and the fuse inode held when it returned, captured from
 * the state at the call site in fuse_file_write_iter() (not inside the passthrough write path, so
 * a write that never lands is seen).
 *
 * @param off where the write started
 * @param count how many bytes the caller asked to write
 * @param result what the write returned (bytes written or -errno)
 * @param data the caller's bytes
 * @param backing the backing file's bytes [off, off + count) clamped to its size, after the write
 * @param isize the fuse inode's i_size after the write (fuse_write_update_attr)
 */
public record WriteGhost(long off, long count, long result, Bytes data, Bytes backing, long isize) {

  static WriteGhost capture(FuseFile ff, long off, long count, long result, Bytes data) {
    Lower.Node bf = ff.passthrough;
    Bytes backing = bf == null ? Bytes.EMPTY : bf.read(off, count);
    return new WriteGhost(off, count, result, data, backing, ff.inode.attr.size());
  }
}
