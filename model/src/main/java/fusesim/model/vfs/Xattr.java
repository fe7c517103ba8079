package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Opcode;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Request;
import java.nio.charset.StandardCharsets;

/**
 * fs/xattr.c: getxattr(2), setxattr(2), listxattr(2), removexattr(2) and their f-variants. The
 * arguments are checked before the path is walked or the fd looked up (setxattr_copy(),
 * import_xattr_name()), then xattr_permission() and inode_permission() (which on FUSE asks
 * fuse_permission(): nothing without default_permissions), then fs/fuse/xattr.c
 * ({@link fusesim.model.fuse.Xattr}). The value's bytes are not modelled, only its length (the
 * trace states a count, as for write(2)). Not modelled: security.* names (the LSMs answer them:
 * xattr_getsecurity(), security_inode_setxattr()) and system.posix_acl_* (the ACL calls,
 * do_get_acl()/do_set_acl()); the inode lock vfs_setxattr() takes (the model serializes a
 * syscall's steps on one inode only where a trace can tell).
 */
public final class Xattr {
  private Xattr() {}

  /** setxattr(2) flags (include/uapi/linux/xattr.h). */
  public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;
  /** XATTR_NAME_MAX: a name of 0 or more than 255 bytes is ERANGE (import_xattr_name()). */
  static final int XATTR_NAME_MAX = 255;

  /** getxattr/fgetxattr. */
  public static Syscall get(UserThread t, String path, int fd, String name, long size) {
    return new XattrCall(t, path, fd, new fusesim.model.fuse.Xattr.Op(Opcode.GETXATTR, name, size, 0));
  }

  /** setxattr/fsetxattr. */
  public static Syscall set(UserThread t, String path, int fd, String name, long size, int flags) {
    return new XattrCall(t, path, fd, new fusesim.model.fuse.Xattr.Op(Opcode.SETXATTR, name, size, flags));
  }

  /** listxattr/flistxattr. */
  public static Syscall list(UserThread t, String path, int fd, long size) {
    return new XattrCall(t, path, fd, new fusesim.model.fuse.Xattr.Op(Opcode.LISTXATTR, null, size, 0));
  }

  /** removexattr/fremovexattr. */
  public static Syscall remove(UserThread t, String path, int fd, String name) {
    return new XattrCall(t, path, fd, new fusesim.model.fuse.Xattr.Op(Opcode.REMOVEXATTR, name, 0, 0));
  }

  /** One xattr syscall, by path (followed) or by fd. */
  static final class XattrCall extends Syscall {
    private final String path;
    private final int fd;
    private fusesim.model.fuse.Xattr.Op op;
    private Namei.Walk walk;
    private Dentry d;
    private FuseInode fi;
    private Dir.Permission perm;
    private Request req;

    XattrCall(UserThread t, String path, int fd, fusesim.model.fuse.Xattr.Op op) {
      super(t);
      this.path = path;
      this.fd = fd;
      this.op = op;
      String n = op.name();
      if (n != null && (n.startsWith("security.") || n.startsWith("system.posix_acl_"))) {
        throw new NotModelled("xattr " + n + ": security.* is the LSMs' (xattr_getsecurity), "
            + "system.posix_acl_* the ACL calls' (do_get_acl/do_set_acl)");
      }
      this.walk = path == null ? null : new Namei.Walk(path, false, false, false);
    }

    @Override
    public String name() {
      String base = op.opcode().name().toLowerCase(java.util.Locale.ROOT);
      return path == null ? "f" + base : base;
    }

    @Override
    @Mirrors(fn = "path_getxattrat", file = "fs/xattr.c",
        doc = "Arguments checked (EINVAL, ERANGE, E2BIG), the path walked or fd got, "
            + "xattr_permission + inode_permission, then fs/fuse/xattr.c.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            int err = copyArgs();
            if (err != 0) {
              return done(err);
            }
            pc = 1;
            break;
          case 1:
            if (!resolve(k)) {
              return false;
            }
            if (fi == null) {
              return done(walk != null ? walk.err : -Errno.EBADF.value);
            }
            int denied = permission(k);
            if (denied != 0) {
              return finish(k, denied);
            }
            break;
          case 2:
            if (!perm.run(k, this)) {
              return false;
            }
            if (perm.err != 0) {
              return finish(k, perm.err);
            }
            pc = 3;
            break;
          case 3:
            int refused = fusesim.model.fuse.Xattr.refused(k, fi, op);
            if (refused != 0) {
              return finish(k, refused);
            }
            req = fusesim.model.fuse.Xattr.send(k, this, fi, op);
            pc = 4;
            break;
          case 4:
            if (!await(req)) {
              return false;
            }
            return finish(k, afterCall(fusesim.model.fuse.Xattr.reply(k, fi, op, req)));
          default:
            throw new IllegalStateException("xattr pc " + pc);
        }
      }
    }

    /**
     * setxattr_copy(): flags other than XATTR_CREATE|XATTR_REPLACE are EINVAL, then the name
     * (import_xattr_name(): ERANGE), then a value over XATTR_SIZE_MAX is E2BIG; getxattr and
     * listxattr cap their size at XATTR_SIZE_MAX/XATTR_LIST_MAX instead (do_getxattr(),
     * listxattr()).
     */
    @Mirrors(fn = "setxattr_copy", file = "fs/xattr.c",
        doc = "EINVAL for unknown flags, ERANGE for a name of 0 or over 255 bytes, E2BIG for a "
            + "value over 64 KiB; get/list cap the size.")
    private int copyArgs() {
      if ((op.flags() & ~(XATTR_CREATE | XATTR_REPLACE)) != 0) {
        return -Errno.EINVAL.value;
      }
      if (op.name() != null) {
        int len = op.name().getBytes(StandardCharsets.UTF_8).length;
        if (len == 0 || len > XATTR_NAME_MAX) {
          return -Errno.ERANGE.value;
        }
      }
      long max = fusesim.model.fuse.Xattr.XATTR_SIZE_MAX;
      if (op.opcode() == Opcode.SETXATTR && op.size() > max) {
        return -Errno.E2BIG.value;
      }
      if (op.size() > max) {
        op = new fusesim.model.fuse.Xattr.Op(op.opcode(), op.name(), max, op.flags());
      }
      return 0;
    }

    /** The inode: by the path walk (user_path_at(), LOOKUP_FOLLOW) or fdget(). */
    private boolean resolve(Kernel k) {
      if (walk != null) {
        if (!walk.run(k, this)) {
          return false;
        }
        d = walk.err == 0 ? walk.result : null;
        fi = d == null ? null : d.inode;
        return true;
      }
      KFile f = k.fdtable.fdget(this, fd);
      fi = f == null ? null : f.ff.inode;
      return true;
    }

    /**
     * xattr_permission(): trusted.* needs CAP_SYS_ADMIN (writing EPERM, reading ENODATA); user.*
     * only on regular files and directories (else EPERM/ENODATA) and, on a sticky directory, is
     * written only by its owner; then inode_permission() (fuse_permission(): with
     * default_permissions the attributes refreshed and generic_permission()). listxattr checks
     * none of it (vfs_listxattr()). The error, or 0.
     */
    @Mirrors(fn = "xattr_permission", file = "fs/xattr.c",
        doc = "trusted.* CAP_SYS_ADMIN, user.* regular files and directories only, sticky "
            + "directories owner-only; then inode_permission (fuse_permission).")
    private int permission(Kernel k) {
      pc = 3;
      if (op.opcode() == Opcode.LISTXATTR) {
        return 0;
      }
      boolean write = op.opcode() != Opcode.GETXATTR;
      int denied = write ? -Errno.EPERM.value : -Errno.ENODATA.value;
      String n = op.name();
      if (n.startsWith("system.")) {
        return 0; // "no restriction for security.* and system.* from the VFS"
      }
      if (n.startsWith("trusted.") && !thread.capable()) {
        return denied;
      }
      if (n.startsWith("user.")) {
        if (!fi.isReg() && !fi.isDir()) {
          return denied;
        }
        boolean sticky = fi.isDir() && (fi.attr.mode() & 01000) != 0;
        if (sticky && write && thread.uid != fi.attr.uid() && !thread.capable()) {
          return -Errno.EPERM.value; // inode_owner_or_capable()
        }
      }
      if (k.fc.defaultPermissions) {
        perm = new Dir.Permission(fi, write ? Namei.MAY_WRITE : Namei.MAY_READ);
        pc = 2;
      }
      return 0;
    }

    /** do_getxattr()/listxattr(): ERANGE with a buffer of the maximum size is E2BIG. */
    private long afterCall(long r) {
      boolean sized = op.opcode() == Opcode.GETXATTR || op.opcode() == Opcode.LISTXATTR;
      boolean full = op.size() >= fusesim.model.fuse.Xattr.XATTR_SIZE_MAX;
      return sized && full && r == -Errno.ERANGE.value ? -Errno.E2BIG.value : r;
    }

    private boolean finish(Kernel k, long r) {
      if (d != null) {
        k.dcache.dput(d);
        d = null;
      }
      return done((int) r);
    }
  }
}
