package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Opcode;
import fusesim.model.Syscall;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Request;

/**
 * security_inode_need_killpriv() → cap_inode_need_killpriv() → fuse_getxattr() of
 * "security.capability" (fs/fuse/xattr.c), as a sub-machine. dentry_needs_remove_privs() and
 * notify_change() (ATTR_KILL_PRIV) ask it on every write, fallocate, truncate, O_TRUNC open and
 * chown of a regular file, because FUSE never sets S_NOSEC. ENOSYS sets fc->no_getxattr and no
 * GETXATTR is sent again (seen on 6.18.44: only the first write of a mount sends GETXATTR).
 */
public final class KillprivCheck {
  /** XATTR_NAME_CAPS (include/uapi/linux/xattr.h). */
  static final String XATTR_NAME_CAPS = "security.capability";
  private Request req;
  private boolean sent;

  /** True when done (the model treats a present capability xattr as absent: not modelled). */
  @Mirrors(fn = "security_inode_need_killpriv", file = "security/commoncap.c",
      doc = "cap_inode_need_killpriv: GETXATTR security.capability before a suid/sgid kill.")
  public boolean run(Kernel k, Syscall s, FuseInode fi) {
    if (!sent) {
      sent = true;
      if (k.fc.noGetxattr || !fi.isReg() || fi.isBad()) {
        return true; // fuse_getxattr(): a bad inode fails with -EIO before any request
      }
      req = k.dev.send(s, Opcode.GETXATTR, fi.nodeid, XATTR_NAME_CAPS, 0); // size 0: the length
    }
    if (!s.await(req)) {
      return false;
    }
    if (req.error() == -Errno.ENOSYS.value) {
      k.fc.noGetxattr = true;
    }
    return true;
  }
}
