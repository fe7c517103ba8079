package fusesim.invariants;

import fusesim.model.Bytes;
import fusesim.model.Kernel;
import fusesim.model.fuse.ReadGhost;
import fusesim.model.fuse.WriteGhost;

/**
 * Invariants on what a read returns (issue 13): its count and bytes against the place the kernel
 * read from. They look at {@link Kernel#ghostRead}, the last read that returned data, with what
 * its source held when it returned (captured from the state, not through the read path).
 */
public final class ResultInvariants {
  private ResultInvariants() {}

  public static final Invariant READ_RESULT = new Invariant("READ-RESULT",
      "a read's count and bytes are those of the file the kernel reads from: the backing file "
          + "exactly under passthrough, the uptodate pages within i_size when cached, the reply "
          + "under direct io",
      "fs/fuse/file.c: fuse_file_read_iter; fs/fuse/passthrough.c: fuse_passthrough_read_iter → "
          + "fs/backing-file.c: backing_file_read_iter; mm/filemap.c: filemap_read (i_size); "
          + "fs/fuse/file.c: fuse_direct_io",
      ResultInvariants::readResult);

  public static final Invariant COHERENCE = new Invariant("COHERENCE",
      "where the kernel promises coherence a read sees the latest write: a passthrough read "
          + "returns the lower file's bytes now (every writer, an outside one too, writes that "
          + "file); a direct-io read returns what the server read from its file. A cached read "
          + "of pages read before may be stale (FOPEN_KEEP_CACHE keeps them across opens, an "
          + "outside writer does not invalidate them): allowed",
      "fs/fuse/passthrough.c: fuse_passthrough_read_iter (no fuse page cache); fs/fuse/file.c: "
          + "fuse_direct_read_iter; fs/fuse/file.c: fuse_finish_open (invalidate_inode_pages2 "
          + "without FOPEN_KEEP_CACHE); Documentation/filesystems/fuse-io.rst",
      ResultInvariants::coherence);

  public static final Invariant PT_WRITE_RESULT = new Invariant("PT-WRITE-RESULT",
      "a passthrough write lands: when it returns, the backing file holds the caller's bytes at "
          + "the written range, and the fuse inode's i_size covers its end; a write to a regular "
          + "backing file writes the whole count (the model's lower filesystem has no ENOSPC)",
      "fs/fuse/passthrough.c: fuse_passthrough_write_iter → fs/backing-file.c: "
          + "backing_file_write_iter (vfs_iter_write on the backing file); its end_write "
          + "fuse_passthrough_end_write → fs/fuse/file.c: fuse_write_update_attr (i_size)",
      ResultInvariants::ptWriteResult);

  private static String ptWriteResult(Kernel k) {
    WriteGhost g = k.ghostWrite;
    if (g == null || g.result() < 0) {
      return null;
    }
    if (g.result() != g.count()) {
      return "a passthrough write of " + g.count() + " bytes at " + g.off() + " returned " + g.result();
    }
    long at = g.backing().mismatch(g.data());
    if (at >= 0) {
      return "after a passthrough write of " + g.data() + " at " + g.off() + " the backing file holds "
          + g.backing().length() + " bytes " + g.backing() + " there (first difference at byte " + at + ")";
    }
    if (g.count() > 0 && g.isize() < g.off() + g.count()) {
      return "after a passthrough write ending at " + (g.off() + g.count()) + " i_size is " + g.isize()
          + " (fuse_write_update_attr did not extend it)";
    }
    return null;
  }

  private static String readResult(Kernel k) {
    ReadGhost g = k.ghostRead;
    if (g == null) {
      return null;
    }
    switch (g.source()) {
      case PASSTHROUGH:
        return same(g, g.backing(), "the backing file's");
      case CACHE:
        long within = Math.max(0, Math.min(g.count(), g.isize() - g.off()));
        if (g.result().length() > within) {
          return "a cached read at " + g.off() + " returned " + g.result().length()
              + " bytes, past i_size " + g.isize();
        }
        return g.cache() == null ? "a cached read returned bytes of a page that is not uptodate"
            : same(g, g.cache(), "the page cache's");
      default:
        return g.result().length() > g.count() ? "a direct read returned more than asked" : null;
    }
  }

  private static String coherence(Kernel k) {
    ReadGhost g = k.ghostRead;
    if (g == null || g.lower() == null) {
      return null;
    }
    boolean promised = g.source() == ReadGhost.Source.PASSTHROUGH && g.lowerIsBacking()
        || g.source() == ReadGhost.Source.SERVER && g.fromLower();
    return promised ? same(g, g.lower(), "the lower file's latest") : null;
  }

  private static String same(ReadGhost g, Bytes want, String what) {
    long at = g.result().mismatch(want);
    if (at < 0) {
      return null;
    }
    return "a " + g.source().name().toLowerCase() + " read at " + g.off() + " returned "
        + g.result().length() + " bytes " + g.result() + ", not " + what + " " + want.length()
        + " bytes " + want + " (first difference at byte " + at + ")";
  }
}
