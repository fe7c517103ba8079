package fusesim.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of a file, mutable: a lower file's contents, or the data of an inode's page cache
 * (whose pages are valid only where {@code fi->pages} says uptodate). Runs of {@link Bytes} by
 * offset, non-overlapping; a gap reads as zeros (a hole, or the zeroed tail of a page).
 */
public final class FileData {
  private final TreeMap<Long, Bytes.Run> runs = new TreeMap<>();

  /** A copy, for a lower node copied by its tree. */
  public FileData copy() {
    FileData d = new FileData();
    d.runs.putAll(runs);
    return d;
  }

  /** Writes {@code b} at {@code off}, replacing what was there. */
  public void write(long off, Bytes b) {
    if (b.length() == 0) {
      return;
    }
    cut(off, off + b.length());
    long at = off;
    for (Bytes.Run r : b.runs) {
      if (r.lit() != null || r.base() != 0) {
        runs.put(at, r); // zeros are the gaps' default: not stored
      }
      at += r.len();
    }
  }

  /** Bytes [off, off + len); gaps are zeros. */
  public Bytes read(long off, long len) {
    List<Bytes.Run> out = new ArrayList<>();
    long pos = off;
    long end = off + Math.max(0, len);
    Map.Entry<Long, Bytes.Run> first = runs.floorEntry(off);
    Long from = first != null && first.getKey() + first.getValue().len() > off ? first.getKey() : Long.valueOf(off);
    for (Map.Entry<Long, Bytes.Run> e : runs.tailMap(from, true).entrySet()) {
      long s = e.getKey();
      if (s >= end) {
        break;
      }
      Bytes.Run r = e.getValue();
      long a = Math.max(s, pos);
      long z = Math.min(end, s + r.len());
      if (a > pos) {
        out.add(new Bytes.Run(a - pos, (byte) 0, 0, null));
      }
      if (a < z) {
        out.add(r.sub(a - s, z - a));
        pos = z;
      }
    }
    if (pos < end) {
      out.add(new Bytes.Run(end - pos, (byte) 0, 0, null));
    }
    return new Bytes(out);
  }

  /** Everything at or past {@code size} goes (truncate: growing again reads zeros). */
  public void truncate(long size) {
    cut(size, Long.MAX_VALUE);
  }

  /** Removes [a, z), keeping the parts of runs outside it. */
  private void cut(long a, long z) {
    Map.Entry<Long, Bytes.Run> before = runs.lowerEntry(a);
    if (before != null && before.getKey() + before.getValue().len() > a) {
      split(before.getKey(), a);
    }
    Map.Entry<Long, Bytes.Run> last = runs.lowerEntry(z);
    if (last != null && last.getKey() + last.getValue().len() > z) {
      split(last.getKey(), z);
    }
    runs.subMap(a, true, z, false).clear();
  }

  /** Splits the run starting at {@code s} in two at {@code at}. */
  private void split(long s, long at) {
    Bytes.Run r = runs.get(s);
    runs.put(s, r.sub(0, at - s));
    runs.put(at, r.sub(at - s, r.len() - (at - s)));
  }
}
