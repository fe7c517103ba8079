package fusesim.kernel.proto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little-endian buffer helpers for the FUSE wire format (x86_64, as the kernel writes it). */
public final class Wire {
    private Wire() {}

    /** A zeroed little-endian buffer of {@code size} bytes. */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A little-endian view of {@code bytes[off, off+len)}, positioned at 0. */
    public static ByteBuffer wrap(byte[] bytes, int off, int len) {
        return ByteBuffer.wrap(bytes, off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a NUL-terminated name starting at the buffer's position and moves past the NUL. */
    public static String cstring(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] raw = new byte[end - start];
        b.get(raw);
        if (b.hasRemaining()) {
            b.get(); // the NUL
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** The buffer's backing bytes (position 0 to limit). */
    public static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.limit()];
        b.duplicate().position(0).get(out);
        return out;
    }

    /** Unsigned value of a u32 read as a Java int. */
    public static long u32(int v) {
        return v & 0xffffffffL;
    }
}
