package fusesim.kernel.sys;

import com.sun.jna.Memory;
import fusesim.kernel.proto.BackingMap;
import fusesim.kernel.proto.FuseIoctl;
import fusesim.kernel.proto.Wire;
import fusesim.model.Errno;
import java.nio.ByteBuffer;

/**
 * An open /dev/fuse file (fs/fuse/dev.c {@code fuse_dev_operations}), opened non-blocking and read after
 * poll(2) together with an eventfd, so a reader can be woken for a "crash" (a blocked read() is not
 * woken by close(2) or Thread.interrupt). Replies are whole messages, one write(2) each.
 */
public final class FuseDevice implements AutoCloseable {
    /** {@link #read} results other than a length. */
    public static final int STOPPED = -1000;

    private final int fd;
    private final int wakeFd;
    private final Memory pollFds = new Memory(16);
    private volatile boolean closed;

    private FuseDevice(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
    }

    /** Opens /dev/fuse (O_RDWR|O_NONBLOCK|O_CLOEXEC) and an eventfd for wake-ups. */
    public static FuseDevice open() {
        Libc.ensureLoaded();
        int fd = Libc.open("/dev/fuse", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("cannot open /dev/fuse: " + Errno.nameOf(Libc.errno()));
        }
        int wake = Libc.eventfd(0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (wake < 0) {
            int err = Libc.errno();
            Libc.close(fd);
            throw new IllegalStateException("eventfd failed: " + Errno.nameOf(err));
        }
        return new FuseDevice(fd, wake);
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads one message into {@code buf}. Returns its length, {@link #STOPPED} after {@link #wake}, or
     * {@code -errno} for ENODEV (unmounted) / ECONNABORTED (aborted) / other fatal errors. EINTR, EAGAIN
     * and ENOENT are retried.
     */
    public int read(Memory buf) {
        while (true) {
            pollFds.setInt(0, fd);
            pollFds.setShort(4, Libc.POLLIN);
            pollFds.setShort(6, (short) 0);
            pollFds.setInt(8, wakeFd);
            pollFds.setShort(12, Libc.POLLIN);
            pollFds.setShort(14, (short) 0);
            int n = Libc.poll(pollFds, 2, 1000);
            if (n < 0 && Libc.errno() != Errno.EINTR.value) {
                return -Libc.errno();
            }
            if (closed || pollFds.getShort(14) != 0) {
                return STOPPED;
            }
            if (n <= 0) {
                continue;
            }
            long r = Libc.read(fd, buf, buf.size());
            if (r >= 0) {
                return (int) r;
            }
            int err = Libc.errno();
            if (err != Errno.EINTR.value && err != Errno.EAGAIN.value && err != Errno.ENOENT.value) {
                return -err;
            }
        }
    }

    /** Writes one reply; returns 0 or the errno (ENOENT: the request was interrupted / is gone). */
    public int write(byte[] message) {
        if (closed) {
            return Errno.ENODEV.value; // never write to a closed (possibly reused) fd number
        }
        long r = Libc.write(fd, message, message.length);
        return r == message.length ? 0 : (r < 0 ? Libc.errno() : Errno.EIO.value);
    }

    /** FUSE_DEV_IOC_BACKING_OPEN: the new backing id, or -errno. */
    public int backingOpen(BackingMap map) {
        ByteBuffer b = Wire.allocate(BackingMap.SIZE);
        map.encode(b);
        Memory m = new Memory(BackingMap.SIZE);
        m.write(0, b.array(), 0, BackingMap.SIZE);
        int r = Libc.ioctl(fd, Integer.toUnsignedLong(FuseIoctl.BACKING_OPEN), m);
        return r >= 0 ? r : -Libc.errno();
    }

    /** FUSE_DEV_IOC_BACKING_CLOSE: 0 or -errno. */
    public int backingClose(int id) {
        Memory m = new Memory(4);
        m.setInt(0, id);
        int r = Libc.ioctl(fd, Integer.toUnsignedLong(FuseIoctl.BACKING_CLOSE), m);
        return r >= 0 ? r : -Libc.errno();
    }

    /** Makes a reader blocked in {@link #read} return {@link #STOPPED}. */
    public void wake() {
        closed = true;
        Memory one = new Memory(8);
        one.setLong(0, 1);
        Libc.write(wakeFd, one, 8);
    }

    /** Closes the device fd: when no reader holds it, the kernel aborts the connection (fuse_dev_release). */
    @Override
    public void close() {
        closed = true;
        Libc.close(fd);
        Libc.close(wakeFd);
    }

    /** A buffer big enough for any request: max(8192, 80 + maxWrite) rounded up generously. */
    public static Memory buffer(int maxWrite) {
        return new Memory(Math.max(8192, 80 + maxWrite) + 4096);
    }

}
