package fusesim.model.vfs;

import fusesim.model.Mirrors;
import fusesim.model.fuse.FuseInode;

/**
 * mm/filemap.c: what the generic page-cache code decides around FUSE's direct io (the state
 * machines that call it are {@link fusesim.model.fuse.File.Read} and {@link
 * fusesim.model.fuse.File.Write}).
 */
public final class Filemap {
  private Filemap() {}

  /**
   * generic_file_read_iter(): an IOCB_DIRECT read that fuse_direct_IO() returned short, with no
   * error and before i_size, goes on with filemap_read() for the rest ("fallthrough to buffered io
   * for the rest of the read"), which returns both parts (seen on 6.18.44: an O_DIRECT read
   * answered with 1 byte sends a second READ, through the page cache).
   */
  @Mirrors(fn = "generic_file_read_iter", file = "mm/filemap.c",
      doc = "A short O_DIRECT read before i_size reads the rest through the page cache.")
  public static boolean directReadFallsThrough(long got, long want, long pos, long isize) {
    return got < want && pos + got < isize;
  }

  /**
   * direct_write_fallback(iocb, from, direct_written, buffered_written): after the buffered rest of
   * a short O_DIRECT write (fuse_cache_write_iter → fuse_perform_write), an error returns the
   * direct part's count if any, else the error; otherwise the range the buffered part wrote leaves
   * the page cache (invalidate_mapping_pages) and both counts are returned.
   */
  @Mirrors(fn = "direct_write_fallback", file = "mm/filemap.c",
      doc = "The rest of a short O_DIRECT write goes through the page cache: fuse_perform_write, "
          + "a second WRITE.")
  public static long directWriteFallback(FuseInode fi, long at, long directWritten, long buffered) {
    if (buffered < 0) {
      return directWritten > 0 ? directWritten : buffered;
    }
    fi.pages.clear((int) (at / 4096), (int) ((at + buffered + 4095) / 4096));
    return directWritten + buffered;
  }
}
