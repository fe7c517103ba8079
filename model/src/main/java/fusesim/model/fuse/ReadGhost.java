package fusesim.model.fuse;

import fusesim.model.Bytes;
import fusesim.model.Kernel;
import fusesim.model.Lower;

/**
 * Ghost for the READ-RESULT and COHERENCE invariants: the last read(2)/pread(2) that returned
 * data, with what the place it read from held when it returned, captured straight from the state
 * (not through the read path): the backing file's bytes, the page cache's bytes and uptodate
 * pages, or the server's reply; the size the kernel believed (i_size) and the lower file's bytes.
 *
 * @param source where fuse_file_read_iter() read from
 * @param result what the read returned
 * @param backing passthrough: the backing file's bytes [off, off + count) clamped to its size
 * @param cache cached: the page cache's bytes [off, off + result length), null if a page of that
 *     range is not uptodate
 * @param isize i_size as the kernel believed it when the read returned
 * @param lower the bytes of the server's lower file for the inode [off, off + count), clamped to
 *     its size (null if the server has no file for the nodeid); for a direct read answered from
 *     the lower file, the bytes the server read when it answered
 * @param lowerIsBacking passthrough: the backing file is the server's file for the inode
 * @param fromLower direct io: the reply was the server's default answer, read from the lower file
 */
public record ReadGhost(Source source, long off, long count, Bytes result, Bytes backing,
    Bytes cache, long isize, Bytes lower, boolean lowerIsBacking, boolean fromLower) {

  /** fuse_file_read_iter()'s three ways. */
  public enum Source { PASSTHROUGH, CACHE, SERVER }

  static ReadGhost capture(Kernel k, FuseFile ff, Source src, long off, long count, Bytes result,
      Bytes served) {
    FuseInode fi = ff.inode;
    Lower.Node bf = ff.passthrough;
    Bytes backing = src == Source.PASSTHROUGH && bf != null ? bf.read(off, count) : null;
    Bytes cache = null;
    if (src == Source.CACHE) {
      long n = result.length();
      int first = (int) (off / 4096);
      boolean uptodate = n == 0 || fi.pages.nextClearBit(first) > (int) ((off + n - 1) / 4096);
      cache = uptodate ? fi.cache.read(off, n) : null;
    }
    Lower.Node ln = k.server.fileOf(ff.nodeid, ff.fh);
    boolean fromLower = src == Source.SERVER && served != null;
    Bytes lower = fromLower ? served : ln == null ? null : ln.read(off, count);
    return new ReadGhost(src, off, count, result, backing, cache, fi.attr.size(), lower,
        bf != null && bf == ln, fromLower);
  }
}
