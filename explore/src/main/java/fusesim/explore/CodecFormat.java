package fusesim.explore;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state codec's byte format: the value tags, the class kinds and the field types that
 * {@link StateWriter} writes and {@link StateReader} reads (the two must change together), and how
 * a class is described for them ({@link Info}: its kind, field offsets, record or lambda
 * constructor). Classes are numbered by {@link StateCodec}'s class table.
 */
final class CodecFormat {
  private CodecFormat() {}

  static final sun.misc.Unsafe U = StateCodec.U;

  // value tags
  static final int NULL = 0, REF = 1, SHARED = 2, STR = 3, STR_ID = 16, TRUE = 4, FALSE = 5, INT = 6, LONG = 7,
      ENUM = 8, OBJ = 9, SHORT = 10, BYTE = 11, CHAR = 12, DOUBLE = 13, FLOAT = 14, CLASS = 15;

  // class kinds
  static final int PLAIN = 0, RECORD = 1, LAMBDA = 2, ARRAY_LIST = 3, LINKED_LIST = 4, ARRAY_DEQUE = 5,
      HASH_MAP = 6, LINKED_HASH_MAP = 7, TREE_MAP = 8, IDENTITY_MAP = 9, HASH_SET = 10, LINKED_HASH_SET = 11,
      TREE_SET = 12, IMM_LIST = 13, IMM_SET = 14, IMM_MAP = 15, UNMOD_LIST = 16, UNMOD_SET = 17, UNMOD_MAP = 18,
      BITSET = 19, ENUM_SET = 20, ENUM_MAP = 21, OBJ_ARRAY = 22, INT_ARRAY = 23, LONG_ARRAY = 24,
      BYTE_ARRAY = 25, BOOL_ARRAY = 26, EMPTY_LIST = 27, EMPTY_SET = 28, EMPTY_MAP = 29;

  // primitive field types
  static final int F_REF = 0, F_INT = 1, F_LONG = 2, F_BOOL = 3, F_SHORT = 4, F_BYTE = 5, F_CHAR = 6,
      F_DOUBLE = 7, F_FLOAT = 8;

  static final long HASHMAP_TABLE;
  static final long HASHMAP_THRESHOLD;
  static final long HASHSET_MAP;

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
  static final class Info {
    final int id;
    final Class<?> c;
    final int kind;
    long[] offsets;
    int[] types;
    Field[] fields; // lambdas: read reflectively
    Constructor<?> ctor; // records, lambdas
    RecordComponent[] components;
    Class<?> elementType; // arrays, enum sets and maps
    private Object[] enums; // an enum class's constants, read once: getEnumConstants() copies them

    Info(int id, Class<?> c, int kind) {
      this.id = id;
      this.c = c;
      this.kind = kind;
    }

    /** The constants of this enum class (shared, not to be modified; a race computes them twice). */
    Object[] enumConstants() {
      Object[] e = enums;
      if (e == null) {
        e = c.getEnumConstants();
        enums = e;
      }
      return e;
    }
  }

  /**
   * The table size a map has, or will allocate at its first insertion (the initial capacity is kept
   * in {@code threshold} until then; 0: the default 16), so that the copy iterates in the same order.
   */
  static int capacity(HashMap<?, ?> m) {
    Object[] t = (Object[]) U.getObject(m, HASHMAP_TABLE);
    if (t != null) {
      return t.length;
    }
    int th = U.getInt(m, HASHMAP_THRESHOLD);
    return th == 0 ? 16 : th;
  }

  static int kindOf(Class<?> c) {
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

  static int fieldType(Class<?> t) {
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

  static Info describe(int id, Class<?> c) {
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
}
