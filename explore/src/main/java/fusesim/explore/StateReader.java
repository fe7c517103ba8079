package fusesim.explore;

import static fusesim.explore.CodecFormat.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One decoding of the {@link StateCodec}: the bytes a {@link StateWriter} wrote, read back into a
 * fresh graph (plain objects allocated and filled through their field offsets, records and lambdas
 * through their constructors, collections rebuilt with the same capacity and order), against the
 * codec's class, shared-object and string tables as they were when the decoding began.
 */
final class StateReader {
  /** Stands for a record or lambda still being read (a back reference to it is an error). */
  private static final Object PENDING = new Object();

  byte[] buf;
  int pos;
  Object[] objs = new Object[256];
  int n;
  Info[] classes;
  Object[] shareds;
  String[] strs;

  StateReader(byte[] buf, Info[] classes, Object[] shareds, String[] strs) {
    reset(buf, classes, shareds, strs);
  }

  /**
   * Starts a new decoding with this reader (one per worker: the object table is reused rather than
   * allocated per decoding, which the explorer does for every move).
   */
  void reset(byte[] buf, Info[] classes, Object[] shareds, String[] strs) {
    this.buf = buf;
    this.pos = 0;
    this.classes = classes;
    this.shareds = shareds;
    this.strs = strs;
  }

  /** Forgets the graph just read (the table keeps no state alive). */
  void release() {
    Arrays.fill(objs, 0, n, null);
    n = 0;
    buf = null;
  }

  int b() {
    return buf[pos++];
  }

  long u() {
    long v = 0;
    int shift = 0;
    while (true) {
      byte x = buf[pos++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  long s() {
    long z = u();
    return (z >>> 1) ^ -(z & 1);
  }

  String str() {
    int len = (int) u();
    char[] cs = new char[len];
    for (int j = 0; j < len; j++) {
      byte x = buf[pos];
      if (x >= 0) {
        cs[j] = (char) x;
        pos++;
      } else {
        cs[j] = (char) (u() & 0xFFFF);
      }
    }
    return new String(cs);
  }

  int slot(Object o) {
    if (n == objs.length) {
      objs = Arrays.copyOf(objs, n * 2);
    }
    objs[n] = o;
    return n++;
  }

  Info cls(long id) {
    return classes[(int) id];
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Object value() {
    int tag = b();
    switch (tag) {
      case NULL:
        return null;
      case STR:
        return str();
      case STR_ID:
        return strs[(int) u()];
      case INT:
        return (int) s();
      case LONG:
        return s();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case ENUM:
        return cls(u()).enumConstants()[(int) u()];
      case SHORT:
        return (short) s();
      case BYTE:
        return (byte) s();
      case CHAR:
        return (char) s();
      case DOUBLE:
        return Double.longBitsToDouble(u());
      case FLOAT:
        return (float) Double.longBitsToDouble(u());
      case REF: {
        Object o = objs[(int) u()];
        if (o == PENDING) {
          throw new IllegalStateException("the state codec met a cycle through a record or lambda");
        }
        return o;
      }
      case SHARED:
        return shareds[(int) u()];
      case OBJ:
        return object(cls(u()));
      default:
        throw new IllegalStateException("corrupt state bytes: tag " + tag + " at " + (pos - 1));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Object object(Info i) {
    switch (i.kind) {
      case PLAIN: {
        Object o;
        try {
          o = U.allocateInstance(i.c);
        } catch (InstantiationException e) {
          throw new IllegalStateException("cannot allocate " + i.c.getName(), e);
        }
        slot(o);
        long[] off = i.offsets;
        int[] ty = i.types;
        for (int j = 0; j < off.length; j++) {
          switch (ty[j]) {
            case F_REF -> U.putObject(o, off[j], value());
            case F_INT -> U.putInt(o, off[j], (int) s());
            case F_LONG -> U.putLong(o, off[j], s());
            case F_BOOL -> U.putBoolean(o, off[j], b() != 0);
            case F_SHORT -> U.putShort(o, off[j], (short) s());
            case F_BYTE -> U.putByte(o, off[j], (byte) s());
            case F_CHAR -> U.putChar(o, off[j], (char) s());
            case F_DOUBLE -> U.putDouble(o, off[j], Double.longBitsToDouble(u()));
            default -> U.putFloat(o, off[j], Float.intBitsToFloat((int) u()));
          }
        }
        return o;
      }
      case RECORD:
      case LAMBDA: {
        int at = slot(PENDING);
        int k = i.kind == RECORD ? i.components.length : i.fields.length;
        Object[] args = new Object[k];
        for (int j = 0; j < k; j++) {
          args[j] = value();
        }
        Object o;
        try {
          o = i.ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot rebuild " + i.c.getName(), e);
        }
        objs[at] = o;
        return o;
      }
      case ARRAY_LIST: {
        int len = (int) u();
        ArrayList<Object> l = new ArrayList<>(len);
        slot(l);
        for (int j = 0; j < len; j++) {
          l.add(value());
        }
        return l;
      }
      case LINKED_LIST:
      case ARRAY_DEQUE:
      case LINKED_HASH_SET:
      case TREE_SET: {
        Collection<Object> col = i.kind == LINKED_LIST ? new LinkedList<>() : i.kind == ARRAY_DEQUE
            ? new ArrayDeque<>() : i.kind == LINKED_HASH_SET ? new LinkedHashSet<>() : new TreeSet<>();
        slot(col);
        int len = (int) u();
        for (int j = 0; j < len; j++) {
          col.add(value());
        }
        return col;
      }
      case HASH_SET: {
        int cap = (int) u();
        HashSet<Object> h = new HashSet<>(cap, 0.75f);
        slot(h);
        int len = (int) u();
        for (int j = 0; j < len; j++) {
          h.add(value());
        }
        return h;
      }
      case HASH_MAP: {
        int cap = (int) u();
        HashMap<Object, Object> m = new HashMap<>(cap, 0.75f);
        slot(m);
        fill(m);
        return m;
      }
      case LINKED_HASH_MAP: {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        slot(m);
        fill(m);
        return m;
      }
      case TREE_MAP: {
        TreeMap<Object, Object> m = new TreeMap<>();
        slot(m);
        fill(m);
        return m;
      }
      case IDENTITY_MAP: {
        IdentityHashMap<Object, Object> m = new IdentityHashMap<>();
        slot(m);
        fill(m);
        return m;
      }
      case IMM_LIST:
      case IMM_SET:
      case UNMOD_LIST:
      case UNMOD_SET: {
        int at = slot(PENDING);
        int len = (int) u();
        Object[] a = new Object[len];
        for (int j = 0; j < len; j++) {
          a[j] = value();
        }
        Object o = switch (i.kind) {
          case IMM_LIST -> List.of(a);
          case IMM_SET -> immutableSet(a);
          case UNMOD_LIST -> Collections.unmodifiableList(new ArrayList<>(Arrays.asList(a)));
          default -> Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(a)));
        };
        objs[at] = o;
        return o;
      }
      case IMM_MAP:
      case UNMOD_MAP: {
        int at = slot(PENDING);
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        fill(m);
        Object o = i.kind == IMM_MAP ? immutableMap(m) : Collections.unmodifiableMap(m);
        objs[at] = o;
        return o;
      }
      case BITSET: {
        int len = (int) u();
        long[] ws = new long[len];
        for (int j = 0; j < len; j++) {
          ws[j] = u();
        }
        BitSet bs = BitSet.valueOf(ws);
        slot(bs);
        return bs;
      }
      case ENUM_SET: {
        Info et = cls(u());
        EnumSet es = EnumSet.noneOf((Class) et.c);
        slot(es);
        Object[] consts = et.enumConstants();
        int len = (int) u();
        for (int j = 0; j < len; j++) {
          es.add(consts[(int) u()]);
        }
        return es;
      }
      case ENUM_MAP: {
        Info et = cls(u());
        EnumMap em = new EnumMap((Class) et.c);
        slot(em);
        Object[] consts = et.enumConstants();
        int len = (int) u();
        for (int j = 0; j < len; j++) {
          Object key = consts[(int) u()];
          em.put(key, value());
        }
        return em;
      }
      case OBJ_ARRAY: {
        int len = (int) u();
        Object[] a = (Object[]) java.lang.reflect.Array.newInstance(i.elementType, len);
        slot(a);
        for (int j = 0; j < len; j++) {
          a[j] = value();
        }
        return a;
      }
      case INT_ARRAY: {
        int len = (int) u();
        int[] a = new int[len];
        slot(a);
        for (int j = 0; j < len; j++) {
          a[j] = (int) s();
        }
        return a;
      }
      case LONG_ARRAY: {
        int len = (int) u();
        long[] a = new long[len];
        slot(a);
        for (int j = 0; j < len; j++) {
          a[j] = s();
        }
        return a;
      }
      case BYTE_ARRAY: {
        int len = (int) u();
        byte[] a = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        slot(a);
        return a;
      }
      case BOOL_ARRAY: {
        int len = (int) u();
        boolean[] a = new boolean[len];
        slot(a);
        for (int j = 0; j < len; j++) {
          a[j] = b() != 0;
        }
        return a;
      }
      case EMPTY_LIST:
        return slotted(Collections.emptyList());
      case EMPTY_SET:
        return slotted(Collections.emptySet());
      case EMPTY_MAP:
        return slotted(Collections.emptyMap());
      default:
        throw new IllegalStateException("corrupt state bytes: kind " + i.kind);
    }
  }

  Object slotted(Object o) {
    slot(o);
    return o;
  }

  void fill(Map<Object, Object> m) {
    int len = (int) u();
    for (int j = 0; j < len; j++) {
      Object k = value();
      m.put(k, value());
    }
  }


  /** Set.of keeps no order of its own: the copy iterates as Set.of of the same elements would. */
  private static Set<Object> immutableSet(Object[] a) {
    return Set.of(a);
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> immutableMap(Map<Object, Object> m) {
    return Map.ofEntries(m.entrySet().toArray(new Map.Entry[0]));
  }
}
