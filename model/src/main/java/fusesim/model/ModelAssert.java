package fusesim.model;

import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.vfs.KFile;
import java.util.Map;

/**
 * The model's own pre- and postconditions between steps, checked with Java {@code assert}
 * ({@code assert ModelAssert.holds(k)}: free unless the JVM runs with {@code -ea}, as surefire
 * does). Unlike the invariants of invariants/, which state what the kernel must keep and which a
 * planted fault exists to break, these state what the model's bookkeeping always keeps; a failure
 * is a bug of the model, reported by the trace runner as a located model error. Unlike
 * {@code warnOn}, which mirrors the kernel's own WARN_ONs, nothing here is kernel behaviour.
 */
public final class ModelAssert {
  /** A failed model assertion; its message names what and where in the kernel's terms. */
  public static final class Failed extends AssertionError {
    private static final long serialVersionUID = 1L;

    public Failed(String message) {
      super(message);
    }
  }

  private ModelAssert() {}

  /** True, or throws {@link Failed}: for {@code assert ModelAssert.holds(k)}. */
  public static boolean holds(Kernel k) {
    nlookupNonNegative(k);
    fdsPointAtLiveFiles(k);
    openFilesOnLiveInodes(k);
    if (k.faults.all().isEmpty()) { // a planted fault breaks these on purpose: its invariant reports it
      backingCountsCoverUsers(k);
      ioModesMatchCounter(k);
    }
    return true;
  }

  /** fi->nlookup is a u64 the kernel only counts down by what it counted up (fuse_iget, fuse_forget_inode). */
  static void nlookupNonNegative(Kernel k) {
    for (FuseInode fi : k.allInodes) {
      check(fi.nlookup >= 0, "nlookup of nodeid " + fi.nodeid + " is " + fi.nlookup + " (fs/fuse/inode.c)");
    }
  }

  /** An fd names a struct file with a reference (fs/file.c: fd_install, fget); a fuse file not yet released. */
  static void fdsPointAtLiveFiles(Kernel k) {
    for (Map.Entry<Integer, KFile> e : k.fds.entrySet()) {
      KFile f = e.getValue();
      check(f.fCount >= 1, "fd " + e.getKey() + " names a file with f_count " + f.fCount + " (fs/file.c)");
      check(f.ff == null || !f.ff.released && k.openFiles.contains(f.ff),
          "fd " + e.getKey() + " names a released fuse file (fs/fuse/file.c: fuse_release)");
    }
  }

  /** An open file holds its inode (fuse_open_common), so an inode with io-mode files is not evicted. */
  static void openFilesOnLiveInodes(Kernel k) {
    for (FuseFile ff : k.openFiles) {
      check(ff.released || ff.iomode == FuseFile.IoMode.IOM_NONE || !ff.inode.evicted,
          "fuse file of nodeid " + ff.nodeid + " in " + ff.iomode + " on an evicted inode (fs/fuse/iomode.c)");
    }
  }

  /** fuse_backing_get for each holder: a live backing's count is at least the inodes whose fi->fb it is. */
  static void backingCountsCoverUsers(Kernel k) {
    for (FuseBacking fb : k.allBackings) {
      if (fb.freed) {
        continue;
      }
      int users = 0;
      for (FuseInode fi : k.allInodes) {
        users += !fi.evicted && fi.fb == fb ? 1 : 0;
      }
      check(fb.count >= users, fb + " has refcount " + fb.count + " for " + users + " inode users "
          + "(fs/fuse/backing.c: fuse_backing_get)");
    }
  }

  /**
   * fuse_file_cached_io_open counts fi->iocachectr up, fuse_file_uncached_io_start down
   * (fs/fuse/iomode.c): a cached file's inode has a positive counter, an uncached file's a
   * negative one.
   */
  static void ioModesMatchCounter(Kernel k) {
    for (FuseFile ff : k.openFiles) {
      if (ff.released) {
        continue;
      }
      int c = ff.inode.iocachectr;
      check(ff.iomode != FuseFile.IoMode.IOM_CACHED || c > 0,
          "a cached file of nodeid " + ff.nodeid + " with iocachectr " + c + " (fs/fuse/iomode.c)");
      check(ff.iomode != FuseFile.IoMode.IOM_UNCACHED || c < 0,
          "an uncached file of nodeid " + ff.nodeid + " with iocachectr " + c + " (fs/fuse/iomode.c)");
    }
  }

  static void check(boolean cond, String what) {
    if (!cond) {
      throw new Failed("model assertion failed: " + what);
    }
  }
}
