package fusesim.kernel.driver;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one syscall in the driver: a value ({@code = 3}) or an errno name ({@code = -1 EIO}),
 * plus named details: stat fields ({@code ino size mode nlink uid gid blocks mtime ctime}), {@code data}
 * (base64) for reads, {@code names} ('/'-separated) for getdents, {@code target} for readlink.
 */
public record Result(long value, String errno, Map<String, String> fields) {

    public boolean ok() {
        return errno == null;
    }

    /** The bytes read (read, pread, mread). */
    public byte[] data() {
        String d = fields.get("data");
        return d == null ? new byte[0] : Base64.getDecoder().decode(d);
    }

    /** The entry names of getdents64, in kernel order. */
    public List<String> names() {
        String n = fields.get("names");
        return n == null || n.isEmpty() ? List.of() : List.of(n.split("/"));
    }

    /** A numeric detail such as {@code ino} or {@code size}. */
    public long num(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("result has no field '" + key + "': " + this);
        }
        return Long.parseLong(v);
    }

    /** Trace form: {@code = 3}, {@code = -1 EIO}, {@code = 0 {ino=10 size=4096 ...}}. */
    @Override
    public String toString() {
        if (!ok()) {
            return "= -1 " + errno;
        }
        StringBuilder b = new StringBuilder("= ").append(value);
        Map<String, String> shown = new LinkedHashMap<>(fields);
        shown.remove("data");
        if (!shown.isEmpty()) {
            b.append(" {");
            shown.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
            b.setLength(b.length() - 1);
            b.append('}');
        }
        return b.toString();
    }

    static Result parse(List<String> f) {
        if (f.size() >= 3 && f.get(1).equals("-1")) {
            return new Result(-1, f.get(2), Map.of());
        }
        long value = Long.parseLong(f.get(1).substring(2));
        Map<String, String> fields = new LinkedHashMap<>();
        for (String kv : f.subList(2, f.size())) {
            int eq = kv.indexOf('=');
            fields.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new Result(value, null, java.util.Collections.unmodifiableMap(fields));
    }
}
