package fusesim.model;

import java.util.List;
import java.util.Map;

/**
 * What a syscall returned: a value or {@code -errno}, plus the struct it filled (stat fields,
 * directory names), for mmap the mapping's name, and for read(2)/pread(2) the bytes read (null
 * otherwise).
 */
public record SysResult(long value, Map<String, Long> fields, List<String> names, String mapping,
    Bytes data) {

  public SysResult(long value, Map<String, Long> fields, List<String> names, String mapping) {
    this(value, fields, names, mapping, null);
  }

  /** A read's result: its count and bytes. */
  public static SysResult read(Bytes data) {
    return new SysResult(data.length(), Map.of(), List.of(), null, data);
  }

  public static SysResult of(long value) {
    return new SysResult(value, Map.of(), List.of(), null);
  }

  public boolean failed() {
    return value < 0;
  }

  /** "3", "-1 EIO", "m1". */
  public String display() {
    if (mapping != null) {
      return mapping;
    }
    return value < 0 ? "-1 " + Errno.nameOf((int) value) : Long.toString(value);
  }
}
