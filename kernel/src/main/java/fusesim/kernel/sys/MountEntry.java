package fusesim.kernel.sys;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of /proc/self/mountinfo (fs/proc_namespace.c {@code show_mountinfo}). Reading this file never
 * touches a FUSE mount, so it is the safe way to learn about possibly hung mounts.
 */
public record MountEntry(int mountId, int major, int minor, String mountpoint, String fstype, String source) {

    /** Parses the whole file; unparsable lines are skipped. */
    public static List<MountEntry> readAll() {
        List<MountEntry> out = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo"))) {
                MountEntry e = parse(line);
                if (e != null) {
                    out.add(e);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
        return out;
    }

    /** Parses one line: {@code id parent maj:min root mountpoint opts [optional...] - fstype source super}. */
    public static MountEntry parse(String line) {
        String[] f = line.split(" ");
        int dash = java.util.Arrays.asList(f).indexOf("-");
        if (f.length < 7 || dash < 6 || dash + 2 >= f.length) {
            return null;
        }
        String[] mm = f[2].split(":");
        return new MountEntry(Integer.parseInt(f[0]), Integer.parseInt(mm[0]), Integer.parseInt(mm[1]),
                unescape(f[4]), f[dash + 1], unescape(f[dash + 2]));
    }

    /** Undoes the kernel's octal escaping of space, tab, newline and backslash ({@code \040}). */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** True for a FUSE mount (fstype {@code fuse} or {@code fuse.<subtype>}). */
    public boolean isFuse() {
        return fstype.equals("fuse") || fstype.startsWith("fuse.");
    }
}
