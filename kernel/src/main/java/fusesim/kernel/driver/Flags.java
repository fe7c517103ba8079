package fusesim.kernel.driver;

import java.util.Map;

/** Symbolic flag words of the trace language ({@code O_RDWR|O_DIRECT}, {@code PROT_READ}, ...) to numbers. */
public final class Flags {
    private Flags() {}

    private static final Map<String, Integer> NAMES = Map.ofEntries(
            Map.entry("O_RDONLY", 0), Map.entry("O_WRONLY", 01), Map.entry("O_RDWR", 02),
            Map.entry("O_CREAT", 0100), Map.entry("O_EXCL", 0200), Map.entry("O_NOCTTY", 0400),
            Map.entry("O_TRUNC", 01000), Map.entry("O_APPEND", 02000), Map.entry("O_NONBLOCK", 04000),
            Map.entry("O_DSYNC", 010000), Map.entry("O_SYNC", 04010000), Map.entry("O_DIRECT", 040000),
            Map.entry("O_LARGEFILE", 0100000), Map.entry("O_DIRECTORY", 0200000),
            Map.entry("O_NOFOLLOW", 0400000), Map.entry("O_NOATIME", 01000000),
            Map.entry("O_CLOEXEC", 02000000), Map.entry("O_PATH", 010000000),
            Map.entry("PROT_NONE", 0), Map.entry("PROT_READ", 1), Map.entry("PROT_WRITE", 2),
            Map.entry("MAP_SHARED", 1), Map.entry("MAP_PRIVATE", 2),
            Map.entry("F_OK", 0), Map.entry("X_OK", 1), Map.entry("W_OK", 2), Map.entry("R_OK", 4),
            Map.entry("SEEK_SET", 0), Map.entry("SEEK_CUR", 1), Map.entry("SEEK_END", 2),
            Map.entry("FALLOC_FL_KEEP_SIZE", 1), Map.entry("FALLOC_FL_PUNCH_HOLE", 2),
            Map.entry("FALLOC_FL_ZERO_RANGE", 0x10),
            Map.entry("XATTR_CREATE", 1), Map.entry("XATTR_REPLACE", 2),
            Map.entry("RENAME_NOREPLACE", 1), Map.entry("RENAME_EXCHANGE", 2), Map.entry("RENAME_WHITEOUT", 4),
            // mknod(2) file types (include/uapi/linux/stat.h), as traces spell them: S_IFREG|0644
            Map.entry("S_IFREG", 0100000), Map.entry("S_IFCHR", 0020000), Map.entry("S_IFBLK", 0060000),
            Map.entry("S_IFIFO", 0010000), Map.entry("S_IFSOCK", 0140000), Map.entry("S_IFDIR", 0040000));

    /**
     * Parses {@code A|B|0x10|0644}: names from the table, or numbers (leading 0 = octal, 0x = hex).
     * Integers pass through.
     */
    public static int parse(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        int out = 0;
        for (String part : value.toString().split("\\|")) {
            out |= word(part.trim());
        }
        return out;
    }

    private static int word(String w) {
        Integer v = NAMES.get(w);
        if (v != null) {
            return v;
        }
        try {
            if (w.startsWith("0x")) {
                return Integer.parseInt(w.substring(2), 16);
            }
            return w.length() > 1 && w.startsWith("0") ? Integer.parseInt(w, 8) : Integer.parseInt(w);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown flag '" + w + "'");
        }
    }
}
