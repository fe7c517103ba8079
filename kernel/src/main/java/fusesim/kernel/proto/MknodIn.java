package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_mknod_in} (16 bytes: mode, rdev, umask, padding), followed by the name. fuse_mknod()
 * (fs/fuse/dir.c) sends the whole mode, file type included, already stripped of the umask by the VFS
 * unless the mount has POSIX ACLs; {@code umask} is current_umask() either way.
 */
public record MknodIn(int mode, int rdev, int umask) {
    public static final int SIZE = 16;

    public static MknodIn decode(ByteBuffer b) {
        MknodIn in = new MknodIn(b.getInt(), b.getInt(), b.getInt());
        b.getInt(); // padding
        return in;
    }

    public void encode(ByteBuffer b) {
        b.putInt(mode).putInt(rdev).putInt(umask).putInt(0);
    }
}
