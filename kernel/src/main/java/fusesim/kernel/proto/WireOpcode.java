package fusesim.kernel.proto;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code enum fuse_opcode} from include/uapi/linux/fuse.h (protocol 7.45, Linux 6.18) as the raw
 * server decodes it off /dev/fuse: the model's {@link fusesim.model.Opcode} plus {@link #UNKNOWN}, the
 * opcode number this protocol version has no name for (the model never sends one).
 * {@code WireOpcodeTest} checks that both list the same names and numbers.
 */
public enum WireOpcode {
    LOOKUP(1), FORGET(2), GETATTR(3), SETATTR(4), READLINK(5), SYMLINK(6), MKNOD(8), MKDIR(9),
    UNLINK(10), RMDIR(11), RENAME(12), LINK(13), OPEN(14), READ(15), WRITE(16), STATFS(17),
    RELEASE(18), FSYNC(20), SETXATTR(21), GETXATTR(22), LISTXATTR(23), REMOVEXATTR(24), FLUSH(25),
    INIT(26), OPENDIR(27), READDIR(28), RELEASEDIR(29), FSYNCDIR(30), GETLK(31), SETLK(32),
    SETLKW(33), ACCESS(34), CREATE(35), INTERRUPT(36), BMAP(37), DESTROY(38), IOCTL(39), POLL(40),
    NOTIFY_REPLY(41), BATCH_FORGET(42), FALLOCATE(43), READDIRPLUS(44), RENAME2(45), LSEEK(46),
    COPY_FILE_RANGE(47), SETUPMAPPING(48), REMOVEMAPPING(49), SYNCFS(50), TMPFILE(51), STATX(52),
    COPY_FILE_RANGE_64(53), UNKNOWN(-1);

    private static final Map<Integer, WireOpcode> BY_CODE = new HashMap<>();

    static {
        for (WireOpcode op : values()) {
            BY_CODE.put(op.code, op);
        }
    }

    /** The numeric opcode on the wire. */
    public final int code;

    WireOpcode(int code) {
        this.code = code;
    }

    /** The opcode for a wire value, {@link #UNKNOWN} if this protocol version has none. */
    public static WireOpcode of(int code) {
        return BY_CODE.getOrDefault(code, UNKNOWN);
    }

    /** Parses a trace-style name such as {@code lookup} or {@code BATCH_FORGET}. */
    public static WireOpcode parse(String name) {
        try {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown FUSE opcode '" + name + "'");
        }
    }

    /** True for FORGET and BATCH_FORGET, which must never be answered. */
    public boolean noReply() {
        return this == FORGET || this == BATCH_FORGET;
    }
}
