package fusesim.explore;

import fusesim.explore.CodecFormat.Info;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
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
 * the codec does not know (a JDK class other than the collections listed in
 * {@link CodecFormat#kindOf}) is an
 * error, never silently dropped. Plain classes are written field by field through
 * {@code sun.misc.Unsafe} offsets (final fields included), records through their canonical
 * constructor, lambdas (hidden classes: the model's release callbacks) through their captured
 * arguments and constructor. Thread-safe: one codec serves every worker.
 *
 * <p>This class holds the tables every state shares (classes, shared objects, strings) and the two
 * entry points; the byte format is {@link CodecFormat}, written by {@link StateWriter} and read by
 * {@link StateReader}.
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

  final Predicate<Object> shared;
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

  int stringId(String x) {
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

  /**
   * @param shared which objects are the run's configuration, shared and not copied; it must depend
   *     on the object's class alone (each writer asks it once per class)
   */
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

  Info info(Class<?> c) {
    return infoCache.get(c);
  }

  private synchronized Info register(Class<?> c) {
    Info i = infos.get(c);
    if (i != null) {
      return i;
    }
    i = CodecFormat.describe(nextId, c);
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

  // ---- shared objects ------------------------------------------------------------------------

  synchronized int sharedId(Object o) {
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

  /** The bytes of the graph reachable from {@code root}. */
  byte[] encode(Object root) {
    StateWriter w = writers.get();
    w.len = 0;
    w.seen.clear();
    w.value(root);
    byte[] out = Arrays.copyOf(w.buf, w.len);
    w.seen.clear(); // no state kept alive by the thread's writer
    return out;
  }

  private final ThreadLocal<StateWriter> writers = ThreadLocal.withInitial(() -> new StateWriter(this));

  // ---- decoding ------------------------------------------------------------------------------

  /** A fresh graph equal to the one {@code bytes} was encoded from (shared objects: the same instances). */
  Object decode(byte[] bytes) {
    StateReader r = readers.get();
    r.reset(bytes, byId, sharedById, strings);
    try {
      Object o = r.value();
      if (r.pos != bytes.length) {
        throw new IllegalStateException("corrupt state bytes: " + (bytes.length - r.pos) + " bytes left over");
      }
      return o;
    } finally {
      r.release();
    }
  }

  private final ThreadLocal<StateReader> readers = ThreadLocal.withInitial(() -> new StateReader(null, null, null, null));

  /** A deep copy of the graph reachable from {@code root}, shared objects kept. */
  Object copy(Object root) {
    return decode(encode(root));
  }
}
