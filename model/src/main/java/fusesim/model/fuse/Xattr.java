package fusesim.model.fuse;

import fusesim.model.Bytes;
import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.Syscall;

/**
 * fs/fuse/xattr.c: the xattr handler ({@code fuse_xattr_handler}, prefix "", so every name reaches
 * the server) and {@code fuse_listxattr}. Each operation is a request and its reply's reading:
 * {@link #send} sends it (or answers at once: a bad inode is EIO, an operation the server once
 * answered ENOSYS is EOPNOTSUPP with no request), {@link #reply} reads the answer. GETXATTR and
 * LISTXATTR are "two different operations rolled into one": size 0 asks for the length
 * (fuse_getxattr_out), a size for the bytes (out_argvar).
 */
public final class Xattr {
  private Xattr() {}

  /** XATTR_SIZE_MAX and XATTR_LIST_MAX (include/uapi/linux/limits.h). */
  public static final long XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;

  /** What an operation needs: its opcode, the xattr name (not LISTXATTR), size and flags. */
  public record Op(Opcode opcode, String name, long size, int flags) {}

  /** The error an operation fails with before any request, or 0 if it sends one. */
  @Mirrors(fn = "fuse_xattr_get", file = "fs/fuse/xattr.c",
      doc = "fuse_is_bad: EIO; fc->no_getxattr/no_setxattr/no_listxattr/no_removexattr: "
          + "EOPNOTSUPP without a request.")
  public static int refused(Kernel k, FuseInode fi, Op op) {
    if (fi.isBad()) {
      return -Errno.EIO.value; // fuse_xattr_get/fuse_xattr_set/fuse_listxattr
    }
    // fuse_listxattr(): fuse_allow_current_process() is always true here: the model's mounts are
    // allow_other (MountConfig)
    return disabled(k.fc, op.opcode()) ? -Errno.EOPNOTSUPP.value : 0;
  }

  /** The request: GETXATTR/LISTXATTR carry the size, SETXATTR size and flags, all but LIST a name. */
  @Mirrors(fn = "fuse_getxattr", file = "fs/fuse/xattr.c",
      doc = "GETXATTR(size, name), LISTXATTR(size), SETXATTR(size, flags, name, value), "
          + "REMOVEXATTR(name); setxattr_flags 0 (fuse_xattr_set passes no extra flags).")
  public static fusesim.model.fuse.Request send(Kernel k, Syscall s, FuseInode fi, Op op) {
    return switch (op.opcode()) {
      case GETXATTR -> k.dev.send(s, Opcode.GETXATTR, fi.nodeid, op.name(), op.size());
      case LISTXATTR -> k.dev.send(s, Opcode.LISTXATTR, fi.nodeid, null, op.size());
      case SETXATTR -> k.dev.send(s, Opcode.SETXATTR, fi.nodeid, op.name(), op.size(), op.flags());
      case REMOVEXATTR -> k.dev.send(s, Opcode.REMOVEXATTR, fi.nodeid, op.name());
      default -> throw new IllegalArgumentException("not an xattr opcode: " + op.opcode());
    };
  }

  /**
   * The operation's result from its reply: ENOSYS disables the operation for the connection and
   * is EOPNOTSUPP; a length is capped at XATTR_SIZE_MAX/XATTR_LIST_MAX; a name list is verified
   * (fuse_verify_xattr_list); a successful SETXATTR/REMOVEXATTR makes ctime stale.
   */
  @Mirrors(fn = "fuse_getxattr", file = "fs/fuse/xattr.c",
      doc = "ENOSYS: fc->no_* set, EOPNOTSUPP; size 0: min(outarg.size, *_MAX); LISTXATTR with a "
          + "buffer: fuse_verify_xattr_list; SETXATTR/REMOVEXATTR ok: fuse_update_ctime.")
  public static long reply(Kernel k, FuseInode fi, Op op, fusesim.model.fuse.Request r) {
    int err = r.error();
    if (err == -Errno.ENOSYS.value) {
      disable(k.fc, op.opcode());
      return -Errno.EOPNOTSUPP.value;
    }
    if (err != 0) {
      return err;
    }
    boolean list = op.opcode() == Opcode.LISTXATTR;
    return switch (op.opcode()) {
      case GETXATTR, LISTXATTR -> length(r.reply, op.size(), list ? XATTR_LIST_MAX : XATTR_SIZE_MAX, list);
      default -> {
        fi.invalMask |= Dir.STATX_CTIME; // fuse_update_ctime(); FUSE inodes are S_NOCMTIME
        yield 0;
      }
    };
  }

  private static long length(Reply reply, long size, long max, boolean list) {
    if (size == 0) {
      return reply instanceof Reply.XattrSize x ? Math.min(x.size(), max) : 0;
    }
    Reply.Data d = (Reply.Data) reply;
    return list && d.size() > 0 ? verifyList(d.data()) : d.size();
  }

  /**
   * fuse_verify_xattr_list(): the list must be names each ended by a NUL; an empty name or a last
   * name without its NUL is EIO. (The model's server, like the kernel oracle's, sends N zero
   * bytes for {@code xattr size=N}: an empty first name.)
   */
  @Mirrors(fn = "fuse_verify_xattr_list", file = "fs/fuse/xattr.c",
      doc = "Every name non-empty and NUL-terminated, else EIO.")
  static long verifyList(Bytes list) {
    long size = list.length();
    long at = 0;
    while (at < size) {
      long len = 0;
      while (at + len < size && list.at(at + len) != 0) {
        len++;
      }
      if (len == 0 || at + len == size) {
        return -Errno.EIO.value;
      }
      at += len + 1;
    }
    return size;
  }

  private static boolean disabled(FuseConn fc, Opcode op) {
    return switch (op) {
      case GETXATTR -> fc.noGetxattr;
      case LISTXATTR -> fc.noListxattr;
      case SETXATTR -> fc.noSetxattr;
      default -> fc.noRemovexattr;
    };
  }

  private static void disable(FuseConn fc, Opcode op) {
    switch (op) {
      case GETXATTR -> fc.noGetxattr = true;
      case LISTXATTR -> fc.noListxattr = true;
      case SETXATTR -> fc.noSetxattr = true;
      default -> fc.noRemovexattr = true;
    }
  }
}
