package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.UserThread;

/**
 * mm/mmap.c: munmap(2); mmap(2) itself is fuse_file_mmap ({@link fusesim.model.fuse.File.Mmap}).
 */
public final class Mmap {
  private Mmap() {}

  /** munmap(2): the vma's file reference goes (which may release a closed fuse file). */
  static final class Munmap extends Syscall {
    private final String map;

    Munmap(UserThread t, String map) {
      super(t);
      this.map = map;
    }

    @Override
    public String name() {
      return "munmap";
    }

    @Override
    @Mirrors(fn = "munmap", file = "mm/mmap.c",
        doc = "munmap(2): the vma's file reference goes.")
    protected boolean run(Kernel k) {
      Vma v = k.vmas.remove(map);
      if (v == null) {
        return done(-Errno.EINVAL.value);
      }
      if (v.backing == null) {
        k.fdtable.fput(v.file);
      } else {
        k.dcache.dput(v.file.dentry); // the backing file's user path goes
      }
      return done(0);
    }
  }
}
