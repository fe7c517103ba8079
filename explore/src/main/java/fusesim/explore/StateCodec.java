package fusesim.explore;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The full-model explorer's state codec: an exact, reversible serialization of a live object graph
 * (a {@link ModelPath}: its session, {@code Kernel}, trace runner and bookkeeping) to compact bytes,
 * and back to a fresh graph equal to the original, so that a stored state is restored without
 * re-executing its path.
 *
 * <p>Exact, not canonical (dedup uses {@link ModelEncoder}): every instance field of every object
 * reachable from the root is written, object identity kept by back references (cycles and sharing
 * survive), hash-table capacities kept so that a restored {@code HashMap} iterates in the same order
 * as the original. Objects for which {@code shared} holds (the run's configuration: semantics,
 * faults, the invariant checker, parsed statements) are not copied: they are written as an index
 * into this codec's table and restored as the same instance.
 *
 * <p>Reflective, like {@link ModelEncoder}, so a field the model gains is carried by default; a type
 * the codec does not know (a JDK class other than the collections listed in {@link #kindOf}) is an
 * error, never silently dropped. Plain classes are written field by field through
 * {@code sun.misc.Unsafe} offsets (final fields included), records through their canonical
 * constructor, lambdas (hidden classes: the model's release callbacks) through their captured
 * arguments and constructor. Thread-safe: one codec serves every worker.
 *
 * <p>Over 600 lines and mirroring no kernel file: the byte format is defined once here, by the tag
 * and kind tables above the {@code Writer} and {@code Reader}, which must change together. Splitting
 * the two into their own files is the next step if the codec grows (they share only those tables
 * and {@code Info}).
 */
final class StateCodec {
  static final sun.misc.Unsafe U;

  static {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      U = (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // value tags
  private static final int NULL = 0, REF = 1, SHARED = 2, STR = 3, STR_ID = 16, TRUE = 4, FALSE = 5, INT = 6, LONG = 7,
      ENUM = 8, OBJ = 9, SHORT = 10, BYTE = 11, CHAR = 12, DOUBLE = 13, FLOAT = 14, CLASS = 15;

  // class kinds
  private static final int PLAIN = 0, RECORD = 1, LAMBDA = 2, ARRAY_LIST = 3, LINKED_LIST = 4, ARRAY_DEQUE = 5,
      HASH_MAP = 6, LINKED_HASH_MAP = 7, TREE_MAP = 8, IDENTITY_MAP = 9, HASH_SET = 10, LINKED_HASH_SET = 11,
      TREE_SET = 12, IMM_LIST = 13, IMM_SET = 14, IMM_MAP = 15, UNMOD_LIST = 16, UNMOD_SET = 17, UNMOD_MAP = 18,
      BITSET = 19, ENUM_SET = 20, ENUM_MAP = 21, OBJ_ARRAY = 22, INT_ARRAY = 23, LONG_ARRAY = 24,
      BYTE_ARRAY = 25, BOOL_ARRAY = 26, EMPTY_LIST = 27, EMPTY_SET = 28, EMPTY_MAP = 29;

  // primitive field types
  private static final int F_REF = 0, F_INT = 1, F_LONG = 2, F_BOOL = 3, F_SHORT = 4, F_BYTE = 5, F_CHAR = 6,
      F_DOUBLE = 7, F_FLOAT = 8;

  private static final long HASHMAP_TABLE;
  private static final long HASHMAP_THRESHOLD;
  private static final long HASHSET_MAP;

  static {
    try {
      HASHMAP_TABLE = U.objectFieldOffset(HashMap.class.getDeclaredField("table"));
      HASHMAP_THRESHOLD = U.objectFieldOffset(HashMap.class.getDeclaredField("threshold"));
      HASHSET_MAP = U.objectFieldOffset(HashSet.class.getDeclaredField("map"));
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** How objects of one class are written and rebuilt. */
  private static final class Info {
    final int id;
    final Class<?> c;
    final int kind;
    long[] offsets;
    int[] types;
    Field[] fields; // lambdas: read reflectively
    Constructor<?> ctor; // records, lambdas
    RecordComponent[] components;
    Class<?> elementType; // arrays, enum sets and maps

    Info(int id, Class<?> c, int kind) {
      this.id = id;
      this.c = c;
      this.kind = kind;
    }
  }

  private final Predicate<Object> shared;
  private final Map<Class<?>, Info> infos = new ConcurrentHashMap<>();
  private volatile Info[] byId = new Info[64];
  private int nextId;
  private final IdentityHashMap<Object, Integer> sharedIds = new IdentityHashMap<>();
  private volatile Object[] sharedById = new Object[16];

  /**
   * Strings are immutable, so the states share them: each distinct string is kept once in this
   * table (up to {@link #MAX_STRINGS}; past that, written inline) and written as its number.
   */
  private final ConcurrentHashMap<String, Integer> stringIds = new ConcurrentHashMap<>();
  private volatile String[] strings = new String[256];
  private static final int MAX_STRINGS = 1 << 16;

  private int stringId(String x) {
    Integer id = stringIds.get(x);
    if (id != null) {
      return id;
    }
    synchronized (stringIds) {
      id = stringIds.get(x);
      if (id != null) {
        return id;
      }
      int n = stringIds.size();
      if (n >= MAX_STRINGS) {
        return -1;
      }
      String[] t = strings;
      if (n >= t.length) {
        t = Arrays.copyOf(t, t.length * 2);
      }
      t[n] = x;
      strings = t; // published before the id is visible
      stringIds.put(x, n);
      return n;
    }
  }

  StateCodec(Predicate<Object> shared) {
    this.shared = shared;
  }

  // ---- class table ---------------------------------------------------------------------------

  private final ClassValue<Info> infoCache = new ClassValue<>() {
    @Override
    protected Info computeValue(Class<?> c) {
      return register(c);
    }
  };

  private Info info(Class<?> c) {
    return infoCache.get(c);
  }

  private synchronized Info register(Class<?> c) {
    Info i = infos.get(c);
    if (i != null) {
      return i;
    }
    i = describe(nextId, c);
    Info[] t = byId;
    if (nextId >= t.length) {
      t = Arrays.copyOf(t, t.length * 2);
    }
    t[nextId] = i;
    byId = t;
    nextId++;
    infos.put(c, i);
    return i;
  }

  private static int kindOf(Class<?> c) {
    String n = c.getName();
    if (c == ArrayList.class) {
      return ARRAY_LIST;
    }
    if (c == LinkedList.class) {
      return LINKED_LIST;
    }
    if (c == ArrayDeque.class) {
      return ARRAY_DEQUE;
    }
    if (c == LinkedHashMap.class) {
      return LINKED_HASH_MAP;
    }
    if (c == HashMap.class) {
      return HASH_MAP;
    }
    if (c == TreeMap.class) {
      return TREE_MAP;
    }
    if (c == IdentityHashMap.class) {
      return IDENTITY_MAP;
    }
    if (c == LinkedHashSet.class) {
      return LINKED_HASH_SET;
    }
    if (c == HashSet.class) {
      return HASH_SET;
    }
    if (c == TreeSet.class) {
      return TREE_SET;
    }
    if (c == BitSet.class) {
      return BITSET;
    }
    if (EnumSet.class.isAssignableFrom(c)) {
      return ENUM_SET;
    }
    if (c == EnumMap.class) {
      return ENUM_MAP;
    }
    if (n.startsWith("java.util.ImmutableCollections$List")) {
      return IMM_LIST;
    }
    if (n.startsWith("java.util.ImmutableCollections$Set")) {
      return IMM_SET;
    }
    if (n.startsWith("java.util.ImmutableCollections$Map")) {
      return IMM_MAP;
    }
    if (n.startsWith("java.util.Collections$Unmodifiable") && n.endsWith("List")) {
      return UNMOD_LIST;
    }
    if (n.startsWith("java.util.Collections$Unmodifiable") && n.endsWith("Set")) {
      return UNMOD_SET;
    }
    if (n.startsWith("java.util.Collections$Unmodifiable") && n.endsWith("Map")) {
      return UNMOD_MAP;
    }
    if (n.equals("java.util.Collections$EmptyList")) {
      return EMPTY_LIST;
    }
    if (n.equals("java.util.Collections$EmptySet")) {
      return EMPTY_SET;
    }
    if (n.equals("java.util.Collections$EmptyMap")) {
      return EMPTY_MAP;
    }
    if (c == int[].class) {
      return INT_ARRAY;
    }
    if (c == long[].class) {
      return LONG_ARRAY;
    }
    if (c == byte[].class) {
      return BYTE_ARRAY;
    }
    if (c == boolean[].class) {
      return BOOL_ARRAY;
    }
    if (c.isArray() && !c.getComponentType().isPrimitive()) {
      return OBJ_ARRAY;
    }
    if (c.isRecord()) {
      return RECORD;
    }
    if (c.isHidden()) {
      return LAMBDA;
    }
    if (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.") || c.isArray()) {
      throw new IllegalStateException("the state codec does not know the JDK type " + n);
    }
    return PLAIN;
  }

  private static int fieldType(Class<?> t) {
    if (!t.isPrimitive()) {
      return F_REF;
    }
    if (t == int.class) {
      return F_INT;
    }
    if (t == long.class) {
      return F_LONG;
    }
    if (t == boolean.class) {
      return F_BOOL;
    }
    if (t == short.class) {
      return F_SHORT;
    }
    if (t == byte.class) {
      return F_BYTE;
    }
    if (t == char.class) {
      return F_CHAR;
    }
    if (t == double.class) {
      return F_DOUBLE;
    }
    return F_FLOAT;
  }

  private static Info describe(int id, Class<?> c) {
    int kind = kindOf(c);
    Info i = new Info(id, c, kind);
    try {
      switch (kind) {
        case PLAIN -> {
          List<Field> fs = new ArrayList<>();
          for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
              if (!Modifier.isStatic(f.getModifiers())) {
                fs.add(f);
              }
            }
          }
          i.offsets = new long[fs.size()];
          i.types = new int[fs.size()];
          for (int j = 0; j < fs.size(); j++) {
            i.offsets[j] = U.objectFieldOffset(fs.get(j));
            i.types[j] = fieldType(fs.get(j).getType());
          }
        }
        case RECORD -> {
          i.components = c.getRecordComponents();
          Class<?>[] ts = new Class<?>[i.components.length];
          for (int j = 0; j < ts.length; j++) {
            ts[j] = i.components[j].getType();
            i.components[j].getAccessor().setAccessible(true);
          }
          i.ctor = c.getDeclaredConstructor(ts);
          i.ctor.setAccessible(true);
        }
        case LAMBDA -> {
          List<Field> fs = new ArrayList<>();
          for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
              f.setAccessible(true);
              fs.add(f);
            }
          }
          i.fields = fs.toArray(new Field[0]);
          Constructor<?>[] cs = c.getDeclaredConstructors();
          if (cs.length != 1 || cs[0].getParameterCount() != i.fields.length) {
            throw new IllegalStateException("the state codec cannot rebuild the lambda " + c.getName());
          }
          for (int j = 0; j < i.fields.length; j++) {
            if (cs[0].getParameterTypes()[j] != i.fields[j].getType()) {
              throw new IllegalStateException("the state codec cannot rebuild the lambda " + c.getName());
            }
          }
          i.ctor = cs[0];
          i.ctor.setAccessible(true);
        }
        case ENUM_SET -> {
          Field f = EnumSet.class.getDeclaredField("elementType");
          i.offsets = new long[] {U.objectFieldOffset(f)};
        }
        case ENUM_MAP -> {
          Field f = EnumMap.class.getDeclaredField("keyType");
          i.offsets = new long[] {U.objectFieldOffset(f)};
        }
        case OBJ_ARRAY -> i.elementType = c.getComponentType();
        default -> { }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the state codec cannot describe " + c.getName() + ": " + e, e);
    }
    return i;
  }

  // ---- shared objects ------------------------------------------------------------------------

  private synchronized int sharedId(Object o) {
    Integer id = sharedIds.get(o);
    if (id != null) {
      return id;
    }
    int n = sharedIds.size();
    sharedIds.put(o, n);
    Object[] t = sharedById;
    if (n >= t.length) {
      t = Arrays.copyOf(t, t.length * 2);
    }
    t[n] = o;
    sharedById = t;
    return n;
  }

  // ---- encoding ------------------------------------------------------------------------------

  /** One encoding in progress (per call: the codec itself is shared by the workers). */
  private final class Writer {
    byte[] buf = new byte[4096];
    int len;
    final IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>(256);

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
        int id = stringId((String) o);
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
      Integer ref = seen.get(o);
      if (ref != null) {
        b(REF);
        u(ref);
        return;
      }
      if (c == Class.class || shared.test(o)) {
        b(SHARED);
        u(sharedId(o));
        return;
      }
      seen.put(o, seen.size());
      Info i = info(c);
      b(OBJ);
      u(i.id);
      body(i, o);
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
        case ARRAY_LIST, LINKED_LIST, ARRAY_DEQUE, LINKED_HASH_SET, IMM_LIST, IMM_SET, UNMOD_LIST, UNMOD_SET -> {
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

  /**
   * The table size a map has, or will allocate at its first insertion (the initial capacity is kept
   * in {@code threshold} until then; 0: the default 16), so that the copy iterates in the same order.
   */
  private static int capacity(HashMap<?, ?> m) {
    Object[] t = (Object[]) U.getObject(m, HASHMAP_TABLE);
    if (t != null) {
      return t.length;
    }
    int th = U.getInt(m, HASHMAP_THRESHOLD);
    return th == 0 ? 16 : th;
  }

  /** The bytes of the graph reachable from {@code root}. */
  byte[] encode(Object root) {
    Writer w = writers.get();
    w.len = 0;
    w.seen.clear();
    w.value(root);
    byte[] out = Arrays.copyOf(w.buf, w.len);
    w.seen.clear(); // no state kept alive by the thread's writer
    return out;
  }

  private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(Writer::new);

  // ---- decoding ------------------------------------------------------------------------------

  /** Stands for a record or lambda still being read (a back reference to it is an error). */
  private static final Object PENDING = new Object();

  private final class Reader {
    final byte[] buf;
    int pos;
    Object[] objs = new Object[256];
    int n;
    final Info[] classes = byId;
    final Object[] shareds = sharedById;
    final String[] strs = strings;

    Reader(byte[] buf) {
      this.buf = buf;
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
          return cls(u()).c.getEnumConstants()[(int) u()];
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
          Class et = cls(u()).c;
          EnumSet es = EnumSet.noneOf(et);
          slot(es);
          Object[] consts = et.getEnumConstants();
          int len = (int) u();
          for (int j = 0; j < len; j++) {
            es.add(consts[(int) u()]);
          }
          return es;
        }
        case ENUM_MAP: {
          Class et = cls(u()).c;
          EnumMap em = new EnumMap(et);
          slot(em);
          Object[] consts = et.getEnumConstants();
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
  }

  /** Set.of keeps no order of its own: the copy iterates as Set.of of the same elements would. */
  private static Set<Object> immutableSet(Object[] a) {
    return Set.of(a);
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> immutableMap(Map<Object, Object> m) {
    return Map.ofEntries(m.entrySet().toArray(new Map.Entry[0]));
  }

  /** A fresh graph equal to the one {@code bytes} was encoded from (shared objects: the same instances). */
  Object decode(byte[] bytes) {
    Reader r = new Reader(bytes);
    Object o = r.value();
    if (r.pos != bytes.length) {
      throw new IllegalStateException("corrupt state bytes: " + (bytes.length - r.pos) + " bytes left over");
    }
    return o;
  }

  /** A deep copy of the graph reachable from {@code root}, shared objects kept. */
  Object copy(Object root) {
    return decode(encode(root));
  }
}
