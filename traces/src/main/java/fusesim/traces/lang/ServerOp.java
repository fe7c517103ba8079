package fusesim.traces.lang;

import fusesim.model.Opcode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The opcodes a server policy line can name ({@code server OP PATH REPLY}), in lower case, with the
 * reply kinds each accepts besides an errno and {@code default}.
 */
public enum ServerOp {
  LOOKUP(Opcode.LOOKUP, ReplyKind.ENTRY, ReplyKind.NEGATIVE),
  GETATTR(Opcode.GETATTR, ReplyKind.ATTR),
  SETATTR(Opcode.SETATTR, ReplyKind.ATTR, ReplyKind.IGNORED),
  OPEN(Opcode.OPEN, ReplyKind.OPEN),
  CREATE(Opcode.CREATE, ReplyKind.ENTRY),
  OPENDIR(Opcode.OPENDIR, ReplyKind.OPEN),
  READDIR(Opcode.READDIR, ReplyKind.DIRENTS),
  READDIRPLUS(Opcode.READDIRPLUS, ReplyKind.DIRENTS),
  READ(Opcode.READ, ReplyKind.DATA),
  WRITE(Opcode.WRITE, ReplyKind.WRITTEN),
  FLUSH(Opcode.FLUSH, ReplyKind.OK),
  RELEASE(Opcode.RELEASE, ReplyKind.OK),
  RELEASEDIR(Opcode.RELEASEDIR, ReplyKind.OK),
  FSYNC(Opcode.FSYNC, ReplyKind.OK),
  FSYNCDIR(Opcode.FSYNCDIR, ReplyKind.OK),
  FALLOCATE(Opcode.FALLOCATE, ReplyKind.OK),
  STATX(Opcode.STATX, ReplyKind.ATTR),
  ACCESS(Opcode.ACCESS, ReplyKind.OK),
  MKNOD(Opcode.MKNOD, ReplyKind.ENTRY),
  MKDIR(Opcode.MKDIR, ReplyKind.ENTRY),
  UNLINK(Opcode.UNLINK, ReplyKind.OK),
  RMDIR(Opcode.RMDIR, ReplyKind.OK),
  RENAME(Opcode.RENAME, ReplyKind.OK),
  RENAME2(Opcode.RENAME2, ReplyKind.OK),
  LINK(Opcode.LINK, ReplyKind.ENTRY),
  SYMLINK(Opcode.SYMLINK, ReplyKind.ENTRY),
  READLINK(Opcode.READLINK, ReplyKind.DATA),
  LSEEK(Opcode.LSEEK, ReplyKind.OK, ReplyKind.SEEK),
  GETXATTR(Opcode.GETXATTR, ReplyKind.XATTR),
  LISTXATTR(Opcode.LISTXATTR, ReplyKind.XATTR),
  SETXATTR(Opcode.SETXATTR, ReplyKind.OK),
  REMOVEXATTR(Opcode.REMOVEXATTR, ReplyKind.OK);

  private final Opcode opcode;
  private final Set<ReplyKind> replies;

  ServerOp(Opcode opcode, ReplyKind first, ReplyKind... rest) {
    this.opcode = opcode;
    this.replies = EnumSet.of(first, rest);
  }

  /** The lower-case name used in trace text. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The FUSE opcode of the requests this policy answers. */
  public Opcode opcode() {
    return opcode;
  }

  /** The reply kinds accepted for this opcode (errno and default are always accepted). */
  public Set<ReplyKind> replies() {
    return replies;
  }

  /** The keys a reply of {@code kind} to this opcode accepts. */
  public Map<String, ValueKind> replyKeys(ReplyKind kind) {
    if (this != CREATE || kind != ReplyKind.ENTRY) {
      return kind.keys();
    }
    Map<String, ValueKind> keys = new LinkedHashMap<>(kind.keys());
    keys.putAll(ReplyKind.CREATE_EXTRA_KEYS);
    return keys;
  }

  /** The op spelled exactly {@code word} (lower case). */
  public static Optional<ServerOp> parse(String word) {
    return Catalog.byWord(values(), ServerOp::word, word);
  }
}
