package fusesim.explore;

import fusesim.model.UserThread;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.KFile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A text dump of a model state up to the equivalence partial-order reduction works under
 * (explore/README.md, "Partial-order reduction"): the kernel's lists of inodes, open files and
 * dentries in each inode's (or name's) order, not in their interleaving across inodes; the fd
 * table as its files in inode order (fd numbers are what the symmetry renames); maps keyed by
 * records (the server's reply policies, looked up by opcode and path) in key order; the values
 * of the global counters attr_version and fh (fresh labels compared only within one inode's or
 * file's history) written {@code *}; idle root threads left out (the symmetric encoding's rule).
 * Everything else as {@link ModelEncoder} sees it: fields in declaration order, the skipped
 * fields skipped, object identity by first appearance.
 */
final class Loose {
  private static final Set<String> LABELS = Set.of("attrVersion", "fh");
  private static final Set<String> FH_MAPS = Set.of("opened", "autoFh");
  private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
  private final StringBuilder sb = new StringBuilder();

  static String of(Object root) {
    Loose d = new Loose();
    d.walk("k", root);
    return d.sb.toString();
  }

  private void walk(String path, Object o) {
    if (o == null || o instanceof Number || o instanceof CharSequence || o instanceof Boolean
        || o instanceof Character || o instanceof Enum || o instanceof Class) {
      sb.append(path).append('=').append(o).append('\n');
      return;
    }
    Integer id = ids.get(o);
    if (id != null) {
      sb.append(path).append("=@").append(id).append('\n');
      return;
    }
    ids.put(o, ids.size());
    if (o instanceof Map<?, ?> m) {
      int i = 0;
      List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
      if (!entries.isEmpty() && entries.stream().allMatch(e -> e.getKey() != null && e.getKey().getClass().isRecord())) {
        entries.sort(Comparator.comparing(e -> String.valueOf(e.getKey()))); // looked up by key: order unread
      }
      for (Map.Entry<?, ?> e : entries) {
        if (e.getValue() instanceof UserThread u && u.task == null && u.uid == 0) {
          continue; // an idle root thread: what the trace runner creates for a new name
        }
        Object key = e.getKey() instanceof String || e.getKey() instanceof Number || e.getKey().getClass().isRecord()
            ? e.getKey() : i;
        walk(path + "{" + key + "}", e.getValue());
        i++;
      }
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : ordered(c)) {
        walk(path + "[" + i++ + "]", e);
      }
      return;
    }
    if (o.getClass().isArray()) {
      for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
        walk(path + "[" + i + "]", java.lang.reflect.Array.get(o, i));
      }
      return;
    }
    if (o.getClass().getName().startsWith("java.") || o.getClass().isSynthetic()) {
      sb.append(path).append('=').append(o.getClass().getSimpleName()).append('\n');
      return;
    }
    fields(path, o);
  }

  private void fields(String path, Object o) {
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || EncodedFields.SKIPPED.containsKey(c.getName() + "." + f.getName())) {
          continue;
        }
        Object v;
        try {
          f.setAccessible(true);
          v = f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("cannot read " + f, e);
        }
        if (LABELS.contains(f.getName()) && (f.getType() == long.class || f.getType() == int.class)) {
          sb.append(path).append('.').append(f.getName()).append("=*\n");
        } else if (f.getName().equals("fds") && v instanceof Map<?, ?> m) {
          walk(path + ".fds", new ArrayList<>(m.values())); // fd numbers: the symmetry renames them
        } else if (FH_MAPS.contains(f.getName()) && v instanceof Map<?, ?> m) {
          List<Object> files = new ArrayList<>(m.values()); // keyed by fh: the files, fh-free, as a multiset
          files.sort(Comparator.comparing(x -> ids.getOrDefault(x, Integer.MAX_VALUE)));
          walk(path + "." + f.getName(), files);
        } else {
          walk(path + "." + f.getName(), v);
        }
      }
    }
  }

  /** A collection's elements; inodes, files and dentries stably sorted by inode or name. */
  private static List<?> ordered(Collection<?> c) {
    List<Object> l = new ArrayList<>(c);
    if (!l.isEmpty() && l.stream().allMatch(e -> e instanceof FuseInode || e instanceof FuseFile || e instanceof Dentry
        || e instanceof KFile)) {
      l.sort(Comparator.comparing(Loose::sortKey));
    }
    return l;
  }

  private static String sortKey(Object e) {
    if (e instanceof FuseInode fi) {
      return String.format("%020d", fi.nodeid);
    }
    if (e instanceof FuseFile ff) {
      return String.format("%020d", ff.nodeid);
    }
    if (e instanceof KFile kf) {
      return kf.ff == null ? "" : String.format("%020d", kf.ff.nodeid);
    }
    StringBuilder b = new StringBuilder();
    for (Dentry d = (Dentry) e; d != null; d = d.parent == d ? null : d.parent) {
      b.insert(0, "/" + d.name);
    }
    return b.toString();
  }
}
