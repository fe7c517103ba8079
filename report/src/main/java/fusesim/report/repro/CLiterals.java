package fusesim.report.repro;

import java.nio.charset.StandardCharsets;

/** C literals for the reproducer: 64-bit integers, strings and byte strings, file bytes with their length. */
final class CLiterals {
    private CLiterals() {}

    /** A C integer literal of a 64-bit value (LONG_MIN has no literal of its own). */
    static String lit(long v) {
        return v == Long.MIN_VALUE ? "(-9223372036854775807L - 1)" : v + "L";
    }

    /** A C string literal: printable ASCII as is, the rest as 3-digit octal escapes. */
    static String c(String s) {
        return cBytes(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    /** A C string literal of bytes given as a latin-1 string (one char per byte, 0..255). */
    static String cBytes(String latin1) {
        StringBuilder b = new StringBuilder("\"");
        for (char x : latin1.toCharArray()) {
            int ch = x & 0xff;
            if (ch == '"' || ch == '\\') {
                b.append('\\').append((char) ch);
            } else if (ch == '?') {
                b.append("\\?"); // no trigraphs
            } else if (ch >= 0x20 && ch < 0x7f) {
                b.append((char) ch);
            } else {
                b.append(String.format("\\%03o", ch));
            }
        }
        return b.append('"').toString();
    }

    /** File bytes as a C string literal and its length: {@code "ab\000", 3L} (each char one byte). */
    static String data(fusesim.traces.lang.Value.Data d) {
        return cBytes(d.bytes()) + ", " + lit(d.bytes().length());
    }
}
