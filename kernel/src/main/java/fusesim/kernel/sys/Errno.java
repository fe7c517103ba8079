package fusesim.kernel.sys;

import java.util.HashMap;
import java.util.Map;

/** errno values of x86_64 Linux (include/uapi/asm-generic/errno-base.h, errno.h) and their names. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
            EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
            EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
            ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
            EPIPE = 32, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38,
            ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EOPNOTSUPP = 95,
            ECONNABORTED = 103, ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, ESTALE = 116;

    private static final Map<Integer, String> NAMES = new HashMap<>();
    private static final Map<String, Integer> VALUES = new HashMap<>();

    static {
        for (java.lang.reflect.Field f : Errno.class.getFields()) {
            if (f.getType() == int.class) {
                try {
                    NAMES.put(f.getInt(null), f.getName());
                    VALUES.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** The symbolic name, e.g. {@code EIO}; unknown numbers print as {@code E123}. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "E" + errno);
    }

    /** The number for a symbolic name such as {@code ENOENT}. */
    public static int value(String name) {
        Integer v = VALUES.get(name);
        if (v != null) {
            return v;
        }
        if (name.matches("E\\d+")) {
            return Integer.parseInt(name.substring(1));
        }
        throw new IllegalArgumentException("unknown errno name '" + name + "'");
    }
}
