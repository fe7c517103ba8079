package fusesim.explore;

import static fusesim.explore.CodecFormat.*;

import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One encoding in progress of the {@link StateCodec} (one per thread: the codec itself is shared by
 * the workers): the graph reachable from a root written as tagged varints in {@link CodecFormat},
 * objects met again as back references, the run's configuration as indices into the codec's shared
 * table.
 */
final class StateWriter {
  private final StateCodec codec;
  byte[] buf = new byte[4096];
  int len;
  final IdentityIntMap seen = new IdentityIntMap(256);
  /**
   * This writer's copy of the codec's shared-object ids: the codec's table is locked, and every
   * encoding meets the same few shared objects (the setup, the checker, parsed statements).
   */
  private final IdentityHashMap<Object, Integer> sharedIds = new IdentityHashMap<>();

  StateWriter(StateCodec codec) {
    this.codec = codec;
  }

  void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  void b(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  void u(long v) { // unsigned varint
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  void s(long v) { // zigzag varint
    u((v << 1) ^ (v >> 63));
  }

  void str(String x) {
    int n = x.length();
    u(n);
    ensure(n);
    for (int j = 0; j < n; j++) {
      char ch = x.charAt(j);
      if (ch < 0x80) {
        ensure(1);
        buf[len++] = (byte) ch;
      } else {
        u(ch | 0x80L << 16); // never below 0x80 once flagged
      }
    }
  }

  void value(Object o) {
    if (o == null) {
      b(NULL);
      return;
    }
    Class<?> c = o.getClass();
    if (c == String.class) {
      int id = codec.stringId((String) o);
      if (id >= 0) {
        b(STR_ID);
        u(id);
      } else {
        b(STR);
        str((String) o);
      }
      return;
    }
    if (c == Integer.class) {
      b(INT);
      s((Integer) o);
      return;
    }
    if (c == Long.class) {
      b(LONG);
      s((Long) o);
      return;
    }
    if (c == Boolean.class) {
      b((Boolean) o ? TRUE : FALSE);
      return;
    }
    if (o instanceof Enum<?> e) {
      b(ENUM);
      u(info(e.getDeclaringClass()).id);
      u(e.ordinal());
      return;
    }
    if (c == Short.class || c == Byte.class || c == Character.class) {
      b(c == Short.class ? SHORT : c == Byte.class ? BYTE : CHAR);
      s(c == Character.class ? (Character) o : ((Number) o).longValue());
      return;
    }
    if (c == Double.class || c == Float.class) {
      b(c == Double.class ? DOUBLE : FLOAT);
      u(Double.doubleToRawLongBits(((Number) o).doubleValue()));
      return;
    }
    int ref = seen.get(o);
    if (ref >= 0) {
      b(REF);
      u(ref);
      return;
    }
    int k = classes.get(c);
    if (k < 0) {
      k = c == Class.class || codec.shared.test(o) ? 0 : remember(c, codec.info(c));
      classes.put(c, k);
    }
    if (k == 0) {
      b(SHARED);
      u(sharedId(o));
      return;
    }
    seen.put(o, seen.size());
    Info i = infos[k - 1];
    b(OBJ);
    u(i.id);
    body(i, o);
  }

  /**
   * Per class met: 0 for a shared class (the codec's {@code shared} depends on the class alone),
   * else its {@link Info}'s id + 1 ({@link #infos}). A per-writer cache in front of the codec's
   * class-keyed lookups, which the codec's {@code ClassValue}s answered on their slow path
   * ({@code ClassValue.getFromBackup}: 3.5% of the samples).
   */
  private final IdentityIntMap classes = new IdentityIntMap(128);
  private Info[] infos = new Info[64];

  private int remember(Class<?> c, Info i) {
    if (i.id >= infos.length) {
      infos = Arrays.copyOf(infos, Math.max(infos.length * 2, i.id + 1));
    }
    infos[i.id] = i;
    return i.id + 1;
  }

  /** The codec's description of a class that is not shared (an enum, an enum set's type). */
  private Info info(Class<?> c) {
    int k = classes.get(c);
    if (k > 0) {
      return infos[k - 1];
    }
    Info i = codec.info(c);
    if (k < 0) {
      classes.put(c, remember(c, i));
    }
    return i;
  }

  private int sharedId(Object o) {
    Integer id = sharedIds.get(o);
    if (id == null) {
      id = codec.sharedId(o);
      sharedIds.put(o, id);
    }
    return id;
  }

  @SuppressWarnings("unchecked")
  void body(Info i, Object o) {
    switch (i.kind) {
      case PLAIN -> {
        long[] off = i.offsets;
        int[] ty = i.types;
        for (int j = 0; j < off.length; j++) {
          switch (ty[j]) {
            case F_REF -> value(U.getObject(o, off[j]));
            case F_INT -> s(U.getInt(o, off[j]));
            case F_LONG -> s(U.getLong(o, off[j]));
            case F_BOOL -> b(U.getBoolean(o, off[j]) ? 1 : 0);
            case F_SHORT -> s(U.getShort(o, off[j]));
            case F_BYTE -> s(U.getByte(o, off[j]));
            case F_CHAR -> s(U.getChar(o, off[j]));
            case F_DOUBLE -> u(Double.doubleToRawLongBits(U.getDouble(o, off[j])));
            default -> u(Float.floatToRawIntBits(U.getFloat(o, off[j])) & 0xFFFFFFFFL);
          }
        }
      }
      case RECORD -> {
        try {
          for (RecordComponent rc : i.components) {
            value(rc.getAccessor().invoke(o));
          }
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + i.c.getName(), e);
        }
      }
      case LAMBDA -> {
        try {
          for (Field f : i.fields) {
            value(f.get(o));
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + i.c.getName(), e);
        }
      }
      case ARRAY_LIST -> { // by index: no iterator per list (the walk recurses, so it is not scalar-replaced)
        java.util.ArrayList<?> l = (java.util.ArrayList<?>) o;
        int n = l.size();
        u(n);
        for (int j = 0; j < n; j++) {
          value(l.get(j));
        }
      }
      case LINKED_LIST, ARRAY_DEQUE, LINKED_HASH_SET, IMM_LIST, IMM_SET, UNMOD_LIST, UNMOD_SET -> {
        Collection<?> col = (Collection<?>) o;
        u(col.size());
        for (Object v : col) {
          value(v);
        }
      }
      case TREE_SET -> {
        TreeSet<?> t = (TreeSet<?>) o;
        if (t.comparator() != null) {
          throw new IllegalStateException("the state codec cannot copy a TreeSet with a comparator");
        }
        u(t.size());
        for (Object v : t) {
          value(v);
        }
      }
      case HASH_SET -> {
        HashSet<?> h = (HashSet<?>) o;
        u(capacity((HashMap<?, ?>) U.getObject(h, HASHSET_MAP)));
        u(h.size());
        for (Object v : h) {
          value(v);
        }
      }
      case HASH_MAP -> {
        u(capacity((HashMap<?, ?>) o));
        entries((Map<?, ?>) o);
      }
      case TREE_MAP -> {
        if (((TreeMap<?, ?>) o).comparator() != null) {
          throw new IllegalStateException("the state codec cannot copy a TreeMap with a comparator");
        }
        entries((Map<?, ?>) o);
      }
      case LINKED_HASH_MAP, IDENTITY_MAP, IMM_MAP, UNMOD_MAP -> entries((Map<?, ?>) o);
      case BITSET -> {
        long[] ws = ((BitSet) o).toLongArray();
        u(ws.length);
        for (long w : ws) {
          u(w);
        }
      }
      case ENUM_SET -> {
        Class<?> et = (Class<?>) U.getObject(o, i.offsets[0]);
        u(info(et).id);
        EnumSet<?> es = (EnumSet<?>) o;
        u(es.size());
        for (Object v : es) {
          u(((Enum<?>) v).ordinal());
        }
      }
      case ENUM_MAP -> {
        Class<?> et = (Class<?>) U.getObject(o, i.offsets[0]);
        u(info(et).id);
        Map<? extends Enum<?>, ?> em = (Map<? extends Enum<?>, ?>) o;
        u(em.size());
        for (Map.Entry<? extends Enum<?>, ?> e : em.entrySet()) {
          u(e.getKey().ordinal());
          value(e.getValue());
        }
      }
      case OBJ_ARRAY -> {
        Object[] a = (Object[]) o;
        u(a.length);
        for (Object v : a) {
          value(v);
        }
      }
      case INT_ARRAY -> {
        int[] a = (int[]) o;
        u(a.length);
        for (int v : a) {
          s(v);
        }
      }
      case LONG_ARRAY -> {
        long[] a = (long[]) o;
        u(a.length);
        for (long v : a) {
          s(v);
        }
      }
      case BYTE_ARRAY -> {
        byte[] a = (byte[]) o;
        u(a.length);
        ensure(a.length);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
      }
      case BOOL_ARRAY -> {
        boolean[] a = (boolean[]) o;
        u(a.length);
        for (boolean v : a) {
          b(v ? 1 : 0);
        }
      }
      default -> { } // the empty collections: nothing but the class
    }
  }

  void entries(Map<?, ?> m) {
    u(m.size());
    for (Map.Entry<?, ?> e : m.entrySet()) {
      value(e.getKey());
      value(e.getValue());
    }
  }
}
