package fusesim.kernel.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The glibc calls the oracle needs, bound with JNA direct mapping (the fastest JNA mode: native
 * methods bound once by Native.register, no per-call reflection). Every method returns the raw C result; read {@link #errno()} right after a
 * failing call, on the same thread. Only x86_64 Linux is supported (syscall numbers, struct stat).
 */
public final class Libc {
    private static final Throwable LOAD_ERROR;

    static {
        Throwable err = null;
        try {
            if (!Platform.isLinux() || !Platform.isIntel() || !Platform.is64Bit()) {
                throw new UnsupportedOperationException("needs Linux on x86_64, this is "
                        + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
            }
            Native.register(Libc.class, "c");
        } catch (Throwable t) {
            err = t;
        }
        LOAD_ERROR = err;
    }

    private Libc() {}

    /** Null if libc is bound; otherwise why not (then no other method may be called). */
    public static String loadProblem() {
        return LOAD_ERROR == null ? null : String.valueOf(LOAD_ERROR.getMessage());
    }

    /** Forces the first JNA call (must happen before anything is mounted, see the pitfalls). */
    public static void ensureLoaded() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException("cannot bind libc through JNA: " + LOAD_ERROR.getMessage());
        }
        getpid();
    }

    /** errno of the last failed call on this thread. */
    public static int errno() {
        return Native.getLastError();
    }

    // x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl)
    public static final long SYS_SETGROUPS = 116;
    public static final long SYS_SETRESUID = 117;
    public static final long SYS_SETRESGID = 119;
    public static final long SYS_GETTID = 186;
    public static final long SYS_GETDENTS64 = 217;
    public static final long SYS_MEMFD_CREATE = 319;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    public static final int MS_NOSUID = 2;
    public static final int MS_NODEV = 4;
    public static final short POLLIN = 1;

    public static native int getpid();
    public static native int open(String path, int flags, int mode);
    public static native int close(int fd);
    public static native int dup(int fd);
    public static native long read(int fd, Pointer buf, long count);
    public static native long write(int fd, Pointer buf, long count);
    public static native long read(int fd, byte[] buf, long count);
    public static native long write(int fd, byte[] buf, long count);
    public static native long pread(int fd, byte[] buf, long count, long offset);
    public static native long pwrite(int fd, byte[] buf, long count, long offset);
    public static native long pread(int fd, Pointer buf, long count, long offset);
    public static native long pwrite(int fd, Pointer buf, long count, long offset);
    public static native long lseek(int fd, long offset, int whence);
    public static native int ioctl(int fd, long request, Pointer arg);
    public static native int poll(Pointer fds, long nfds, int timeoutMs);
    public static native int eventfd(int initval, int flags);
    public static native int mount(String source, String target, String type, long flags, String data);
    public static native int umount2(String target, int flags);
    public static native long syscall(long number, long a1, long a2, long a3);
    public static native long syscall(long number, long a1, long a2, long a3, long a4);
    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);
    public static native int munmap(long addr, long length);
    public static native int stat(String path, byte[] buf);
    public static native int lstat(String path, byte[] buf);
    public static native int fstat(int fd, byte[] buf);
    public static native int truncate(String path, long length);
    public static native int ftruncate(int fd, long length);
    public static native int chmod(String path, int mode);
    public static native int fchmod(int fd, int mode);
    public static native int chown(String path, int uid, int gid);
    public static native int lchown(String path, int uid, int gid);
    public static native int fchown(int fd, int uid, int gid);
    public static native int fallocate(int fd, int mode, long offset, long len);
    public static native int fsync(int fd);
    public static native int fdatasync(int fd);
    /** {@code iov}: iovcnt struct iovec {void *iov_base; size_t iov_len;} (16 bytes each on x86_64). */
    public static native long preadv(int fd, Pointer iov, int iovcnt, long offset);
    public static native long pwritev(int fd, Pointer iov, int iovcnt, long offset);
    /** {@code times}: NULL or struct timespec[2] {long tv_sec; long tv_nsec;} (16 bytes each on x86_64). */
    public static native int utimensat(int dirfd, String path, Pointer times, int flags);
    public static native int futimens(int fd, Pointer times);
    public static native int mkdir(String path, int mode);
    public static native int unlink(String path);
    public static native int rmdir(String path);
    public static native int link(String oldPath, String newPath);
    public static native int symlink(String target, String linkPath);
    /** glibc 2.33+ exports mknod(3) itself (before, only __xmknod). */
    public static native int mknod(String path, int mode, long dev);
    public static native int rename(String oldPath, String newPath);
    /** glibc 2.28+ wraps renameat2(2). */
    public static native int renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags);
    public static final int AT_FDCWD = -100;
    /** sys/xattr.h (fs/xattr.c): a null buffer with size 0 asks for the length. */
    public static native long getxattr(String path, String name, byte[] value, long size);
    public static native int setxattr(String path, String name, byte[] value, long size, int flags);
    public static native long listxattr(String path, byte[] list, long size);
    public static native int removexattr(String path, String name);
    public static native long fgetxattr(int fd, String name, byte[] value, long size);
    public static native int fsetxattr(int fd, String name, byte[] value, long size, int flags);
    public static native long flistxattr(int fd, byte[] list, long size);
    public static native int fremovexattr(int fd, String name);
    public static native int access(String path, int mode);
    public static native long readlink(String path, byte[] buf, long size);

    /** The calling thread's kernel tid (gettid(2)). */
    public static int gettid() {
        return (int) syscall(SYS_GETTID, 0, 0, 0);
    }
}
