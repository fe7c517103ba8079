package fusesim.model;

import java.util.Optional;

/**
 * FUSE opcodes (include/uapi/linux/fuse.h, enum fuse_opcode, protocol 7.45): the model's requests
 * and the trace language's {@code expect requests} / {@code expect no} words (upper case, without
 * the {@code FUSE_} prefix).
 */
public enum Opcode {
  LOOKUP(1), FORGET(2), GETATTR(3), SETATTR(4), READLINK(5), SYMLINK(6), MKNOD(8), MKDIR(9),
  UNLINK(10), RMDIR(11), RENAME(12), LINK(13), OPEN(14), READ(15), WRITE(16), STATFS(17),
  RELEASE(18), FSYNC(20), SETXATTR(21), GETXATTR(22), LISTXATTR(23), REMOVEXATTR(24), FLUSH(25),
  INIT(26), OPENDIR(27), READDIR(28), RELEASEDIR(29), FSYNCDIR(30), GETLK(31), SETLK(32),
  SETLKW(33), ACCESS(34), CREATE(35), INTERRUPT(36), BMAP(37), DESTROY(38), IOCTL(39), POLL(40),
  NOTIFY_REPLY(41), BATCH_FORGET(42), FALLOCATE(43), READDIRPLUS(44), RENAME2(45), LSEEK(46),
  COPY_FILE_RANGE(47), SETUPMAPPING(48), REMOVEMAPPING(49), SYNCFS(50), TMPFILE(51), STATX(52),
  COPY_FILE_RANGE_64(53);

  public final int code;

  Opcode(int code) {
    this.code = code;
  }

  /** The opcode number on the wire. */
  public int number() {
    return code;
  }

  /** The opcode spelled exactly {@code name} (upper case, as traces write it); empty if none. */
  public static Optional<Opcode> parse(String name) {
    for (Opcode o : values()) {
      if (o.name().equals(name)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** The opcode named {@code name} in any case, or null. */
  public static Opcode named(String name) {
    for (Opcode o : values()) {
      if (o.name().equalsIgnoreCase(name)) {
        return o;
      }
    }
    return null;
  }

  /** Whether the server must not answer this message (FORGET, BATCH_FORGET). */
  public boolean noReply() {
    return this == FORGET || this == BATCH_FORGET;
  }
}
