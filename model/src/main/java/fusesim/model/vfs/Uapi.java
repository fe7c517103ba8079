package fusesim.model.vfs;

/** The uapi constants the syscalls use (include/uapi/asm-generic/fcntl.h, mman-common.h, fs.h, falloc.h). */
public final class Uapi {
  public static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
      O_TRUNC = 01000, O_APPEND = 02000, O_DIRECT = 040000, O_DIRECTORY = 0200000,
      O_NOCTTY = 0400, O_LARGEFILE = 0100000;
  public static final int PROT_WRITE = 2, MAP_SHARED = 1;
  public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
  public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2,
      FALLOC_FL_ZERO_RANGE = 0x10;

  private Uapi() {}
}
