package fusesim.explore;

import fusesim.model.Kernel;
import fusesim.model.Opcode;
import fusesim.model.fuse.Request;
import fusesim.model.UserThread;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The exact canonical encoding of a full model state: a reflective walk of every object reachable
 * from the {@link Kernel}, written as bytes. Nothing is hashed away; two states encode equal
 * exactly when they are equal up to the renaming of object identities.
 *
 * <p>Why reflective: the model grows (the v2 series, new fields); a hand-written encoder would miss
 * a new field silently and merge states that differ. Here every instance field of every model
 * class is encoded unless {@link EncodedFields#SKIPPED} names it with a reason, so a new field is
 * encoded by default; {@code ModelEncoderTest} fails if a skipped field no longer exists.
 *
 * <p>Canonical form:
 * <ul>
 *   <li>Object identity is renamed in first-appearance order: the second time an object is met it
 *       is written as a back reference to its number, so sharing (two dentries of one inode) is
 *       kept and allocation serials are not needed (they are skipped).
 *   <li>Fields are written in name order, per class; class names once per state, then by number.
 *   <li>Ordered collections (lists, tree and linked maps and sets) in their order; hash maps and
 *       sets of values (Long, String, ...) sorted by key; maps keyed by model objects (the
 *       identity map of background requests) after the walk, ordered by the keys' numbers.
 *   <li>The request log is history: only the requests still pending are written (in log order:
 *       the server answers the oldest), plus the set of (nodeid, fh) of every READ and WRITE ever
 *       sent, which is all that PT-BYPASS reads of the past.
 * </ul>
 * Nothing else is renamed: inode numbers, fds, thread names, backing ids and counters are written
 * as they are (they are not symmetric in the full model's alphabet; the io-mode core does the
 * symmetry reduction).
 */
public final class ModelEncoder {

  private byte[] buf = new byte[4096];
  private int len;
  /** The least encoding so far ({@link #canonical}), and its length. */
  private byte[] best = new byte[4096];
  private int bestLen;
  private final IdentityIntMap ids = new IdentityIntMap(256);
  private final IdentityIntMap classIds = new IdentityIntMap(64);
  private final List<Object[]> deferred = new ArrayList<>();
  private Kernel kernel;

  /**
   * fd symmetry: the fd numbers in use (open or reserved), renamed. {@code fdMap[fd]} is the name
   * written for fd; null: written as they are.
   */
  private int[] fdMap;
  private final boolean fdSymmetry;

  /** The exact encoding, nothing renamed but object identity. */
  public ModelEncoder() {
    this(false);
  }

  /**
   * @param fdSymmetry rename the fds in use: the encoding is the least, over the orderings of the
   *     fds in use, of the state with those fds renamed 3, 4, ... in that order (explore/README.md,
   *     "Symmetry", argues why that is sound for the explorer's alphabet)
   */
  public ModelEncoder(boolean fdSymmetry) {
    this.fdSymmetry = fdSymmetry;
  }

  /**
   * Thread symmetry: root threads with a call in flight renamed T1, T2, ... in their name order;
   * idle root threads left out (an idle root thread is what the trace runner makes of a name used
   * for the first time); other threads (a declared uid) as they are. Null: names as they are. A
   * renamed thread's name is renamed in every string of the state that equals it (the model keeps
   * thread names in UserThread.name, Request.thread, FuseInode.mutexOwner and the in-lookup
   * dentry's owner; the explorer's world has no other string of the form Tn).
   */
  private Map<String, String> threadMap;

  /** Encodes {@code k}; the result is a fresh array. Not thread-safe: one encoder per worker. */
  public byte[] encode(Kernel k) {
    canonical(k);
    return Arrays.copyOf(best, bestLen);
  }

  /**
   * The 64-bit fingerprint of {@code k}'s encoding ({@link Visited#fingerprint}), computed on this
   * encoder's own buffer: no copy of the encoding is made (the explorer's hot path).
   */
  long fingerprint(Kernel k) {
    canonical(k);
    return Visited.fingerprint(best, bestLen);
  }

  /**
   * The least encoding (under fd symmetry) or the only one, left in {@code best[0..bestLen)}.
   * Each candidate is written into {@code buf}; a better one swaps the two buffers, so a
   * permutation allocates nothing (a copy per candidate was the explorer's largest allocation).
   */
  private void canonical(Kernel k) {
    threadMap = fdSymmetry ? threadRenaming(k) : null;
    bestLen = -1;
    fdMap = null;
    if (fdSymmetry) {
      TreeSet<Integer> used = new TreeSet<>(k.fds.keySet());
      used.addAll(k.reservedFds);
      if (!used.isEmpty()) {
        int[] fds = used.stream().mapToInt(Integer::intValue).toArray();
        permute(fds, 0, new int[fds[fds.length - 1] + 1], k);
        fdMap = null;
        return;
      }
    }
    candidate(k);
  }

  /** Encodes {@code k} under the current renaming; keeps it if it is less than the best so far. */
  private void candidate(Kernel k) {
    encodeOnce(k);
    if (bestLen < 0 || Arrays.compare(buf, 0, len, best, 0, bestLen) < 0) {
      byte[] t = best;
      best = buf;
      bestLen = len;
      buf = t;
    }
  }

  /** Every assignment of the names 3, 4, ... to the fds in use; keeps the least encoding. */
  private void permute(int[] fds, int i, int[] map, Kernel k) {
    if (i == fds.length) {
      fdMap = map;
      candidate(k);
      return;
    }
    for (int j = i; j < fds.length; j++) {
      int t = fds[i];
      fds[i] = fds[j];
      fds[j] = t;
      map[fds[i]] = 3 + i;
      permute(fds, i + 1, map, k);
      fds[j] = fds[i];
      fds[i] = t;
    }
  }

  private static boolean root(UserThread t) {
    return t.uid == 0 && t.gid == 0;
  }

  /** The renaming of the root threads in flight; null if it would clash with a kept thread's name. */
  private static Map<String, String> threadRenaming(Kernel k) {
    Map<String, String> m = new java.util.HashMap<>();
    int n = 0;
    for (UserThread t : k.threads.values()) { // name order
      if (root(t) && t.task != null) {
        m.put(t.name, "T" + ++n);
      } else if (root(t)) {
        m.put(t.name, "T_idle"); // a stale mention of an idle thread never clashes with a renamed one
      }
    }
    for (UserThread t : k.threads.values()) {
      if (!root(t) && (m.containsValue(t.name) || m.containsKey(t.name))) {
        return null;
      }
    }
    return m;
  }

  private String thread(String name) {
    return threadMap == null ? name : threadMap.getOrDefault(name, name);
  }

  /** The threads table: kept threads under their new names, in the order of those names. */
  private void threadTable() {
    ids.put(kernel.threads, ids.size());
    TreeMap<String, Object> renamed = new TreeMap<>();
    for (UserThread t : kernel.threads.values()) {
      if (!root(t) || t.task != null) {
        renamed.put(thread(t.name), t);
      }
    }
    tag(10);
    num(renamed.size());
    for (Map.Entry<String, Object> e : renamed.entrySet()) {
      tag(4);
      str(e.getKey()); // already renamed
      value(e.getValue());
    }
  }

  private int fd(int fd) {
    return fdMap == null || fd < 3 || fd >= fdMap.length ? fd : fdMap[fd];
  }


  private void encodeOnce(Kernel k) {
    len = 0;
    ids.clear();
    classIds.clear();
    deferred.clear();
    kernel = k;
    value(k);
    // maps keyed by model objects, ordered by their keys' first-appearance numbers
    for (int i = 0; i < deferred.size(); i++) {
      Map<?, ?> m = (Map<?, ?>) deferred.get(i)[0];
      List<Map.Entry<?, ?>> es = new ArrayList<>(m.entrySet());
      for (Map.Entry<?, ?> e : es) {
        if (!ids.containsKey(e.getKey())) {
          throw new IllegalStateException("cannot order a map entry: its key " + e.getKey() + " is not reachable");
        }
      }
      es.sort(Comparator.comparingInt(e -> ids.get(e.getKey())));
      tag(20);
      num(es.size());
      for (Map.Entry<?, ?> e : es) {
        num(ids.get(e.getKey()));
        value(e.getValue());
      }
    }
  }

  // ---- output --------------------------------------------------------------------------------

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  private void tag(int t) {
    ensure(1);
    buf[len++] = (byte) t;
  }

  private void num(long v) {
    ensure(10);
    long z = (v << 1) ^ (v >> 63); // zigzag, then varint
    while ((z & ~0x7FL) != 0) {
      buf[len++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[len++] = (byte) z;
  }

  private void str(String s) {
    num(s.length());
    for (int i = 0; i < s.length(); i++) {
      num(s.charAt(i));
    }
  }

  // ---- the walk ------------------------------------------------------------------------------

  private void value(Object o) {
    if (o == null) {
      tag(0);
      return;
    }
    if (o instanceof Boolean) {
      tag((Boolean) o ? 2 : 1);
      return;
    }
    if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
      tag(3);
      num(((Number) o).longValue());
      return;
    }
    if (o instanceof Character) {
      tag(3);
      num((Character) o);
      return;
    }
    if (o instanceof String) {
      tag(4);
      str(thread((String) o)); // a thread's name wherever it is kept (UserThread, Request, mutex owner, d_alloc_parallel)
      return;
    }
    if (o instanceof Enum) {
      tag(5);
      classRef(((Enum<?>) o).getDeclaringClass());
      num(((Enum<?>) o).ordinal());
      return;
    }
    if (o instanceof Double || o instanceof Float) {
      tag(3);
      num(Double.doubleToLongBits(((Number) o).doubleValue()));
      return;
    }
    int seen = ids.get(o);
    if (seen >= 0) {
      tag(6);
      num(seen);
      return;
    }
    ids.put(o, ids.size());
    Class<?> c = o.getClass();
    if (c.isArray()) {
      tag(7);
      array(o);
    } else if (o instanceof BitSet) {
      tag(8);
      long[] ws = ((BitSet) o).toLongArray();
      num(ws.length);
      for (long w : ws) {
        num(w);
      }
    } else if (o instanceof Map) {
      map((Map<?, ?>) o);
    } else if (o instanceof Collection) {
      collection((Collection<?>) o);
    } else if (c.getName().startsWith("java.") || c.getName().startsWith("jdk.")) {
      throw new IllegalStateException("the state encoder does not know the JDK type " + c.getName());
    } else {
      tag(9);
      classRef(c);
      boolean isKernel = o == kernel;
      for (EncodedFields.Acc a : EncodedFields.accessors(c)) {
        Field f = a.f();
        if (isKernel && f.getName().equals("log")) {
          log();
          continue;
        }
        if (fdMap != null && isKernel && f.getName().equals("fds")) {
          fdTable();
          continue;
        }
        if (fdMap != null && isKernel && f.getName().equals("reservedFds")) {
          tag(14);
          List<Integer> rs = new ArrayList<>();
          for (int r : kernel.reservedFds) {
            rs.add(fd(r));
          }
          rs.sort(null);
          num(rs.size());
          for (int r : rs) {
            value(r);
          }
          continue;
        }
        if (threadMap != null && isKernel && f.getName().equals("threads")) {
          threadTable();
          continue;
        }
        if (fdMap != null && a.fdField()) {
          tag(3);
          num(fd(a.off() >= 0 ? StateCodec.U.getInt(o, a.off()) : (Integer) EncodedFields.read(f, o)));
          continue;
        }
        if (a.off() < 0) {
          value(EncodedFields.read(f, o));
          continue;
        }
        // the bytes value() writes for the boxed value, without boxing it
        switch (a.type()) {
          case 'L' -> value(StateCodec.U.getObject(o, a.off()));
          case 'I' -> {
            tag(3);
            num(StateCodec.U.getInt(o, a.off()));
          }
          case 'J' -> {
            tag(3);
            num(StateCodec.U.getLong(o, a.off()));
          }
          case 'Z' -> tag(StateCodec.U.getBoolean(o, a.off()) ? 2 : 1);
          case 'S' -> {
            tag(3);
            num(StateCodec.U.getShort(o, a.off()));
          }
          case 'B' -> {
            tag(3);
            num(StateCodec.U.getByte(o, a.off()));
          }
          case 'C' -> {
            tag(3);
            num(StateCodec.U.getChar(o, a.off()));
          }
          case 'D' -> {
            tag(3);
            num(Double.doubleToLongBits(StateCodec.U.getDouble(o, a.off())));
          }
          default -> {
            tag(3);
            num(Double.doubleToLongBits(StateCodec.U.getFloat(o, a.off())));
          }
        }
      }
    }
  }


  private void classRef(Class<?> c) {
    int id = classIds.get(c);
    if (id >= 0) {
      num(id);
      return;
    }
    classIds.put(c, classIds.size());
    num(-1);
    byte[] name = CLASS_NAMES.get(c); // the bytes str(name) writes, made once per class
    ensure(name.length);
    System.arraycopy(name, 0, buf, len, name.length);
    len += name.length;
  }

  private static final ClassValue<byte[]> CLASS_NAMES = new ClassValue<>() {
    @Override
    protected byte[] computeValue(Class<?> c) {
      String name = c.getName();
      int lambda = name.indexOf("$$Lambda");
      ModelEncoder e = new ModelEncoder();
      e.str(lambda >= 0 ? name.substring(0, lambda) + "$$Lambda" : name); // hidden class names vary per run
      return Arrays.copyOf(e.buf, e.len);
    }
  };

  private void array(Object a) {
    if (a instanceof long[]) {
      long[] x = (long[]) a;
      num(x.length);
      for (long v : x) {
        num(v);
      }
    } else if (a instanceof int[]) {
      int[] x = (int[]) a;
      num(x.length);
      for (int v : x) {
        num(v);
      }
    } else if (a instanceof boolean[]) {
      boolean[] x = (boolean[]) a;
      num(x.length);
      for (boolean v : x) {
        num(v ? 1 : 0);
      }
    } else if (a instanceof byte[]) {
      byte[] x = (byte[]) a;
      num(x.length);
      for (byte v : x) {
        num(v);
      }
    } else if (a instanceof Object[]) {
      Object[] x = (Object[]) a;
      num(x.length);
      for (Object v : x) {
        value(v);
      }
    } else {
      throw new IllegalStateException("the state encoder does not know the array type " + a.getClass());
    }
  }

  private static boolean ordered(Object o) {
    return o instanceof List || o instanceof java.util.SortedMap || o instanceof java.util.SortedSet
        || o instanceof java.util.LinkedHashMap || o instanceof java.util.LinkedHashSet
        || o instanceof java.util.EnumSet || o instanceof java.util.EnumMap;
  }

  private void map(Map<?, ?> m) {
    if (ordered(m)) {
      tag(10);
      num(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        value(e.getKey());
        value(e.getValue());
      }
      return;
    }
    if (allValues(m.keySet())) {
      List<Map.Entry<?, ?>> es = new ArrayList<>(m.entrySet());
      es.sort((a, b) -> compareValues(a.getKey(), b.getKey()));
      tag(11);
      num(es.size());
      for (Map.Entry<?, ?> e : es) {
        value(e.getKey());
        value(e.getValue());
      }
      return;
    }
    tag(12); // keyed by model objects: written after the walk
    deferred.add(new Object[] {m});
  }

  private void collection(Collection<?> c) {
    if (c instanceof ArrayList<?> l) { // the case below, by index: no iterator per list
      tag(13);
      int n = l.size();
      num(n);
      for (int j = 0; j < n; j++) {
        value(l.get(j));
      }
      return;
    }
    if (ordered(c) || !(c instanceof Set)) {
      tag(13);
      num(c.size());
      for (Object v : c) {
        value(v);
      }
      return;
    }
    if (!allValues(c)) {
      throw new IllegalStateException("the state encoder cannot order a hash set of model objects");
    }
    List<Object> vs = new ArrayList<>(c);
    vs.sort(ModelEncoder::compareValues);
    tag(14);
    num(vs.size());
    for (Object v : vs) {
      value(v);
    }
  }

  private static boolean allValues(Collection<?> c) {
    for (Object o : c) {
      if (!(o instanceof Number || o instanceof String || o instanceof Enum || o instanceof Boolean
          || o instanceof Record && o.toString().indexOf('@') < 0)) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    if (a.getClass() != b.getClass()) {
      return a.getClass().getName().compareTo(b.getClass().getName());
    }
    if (a instanceof Comparable && !(a instanceof Record)) {
      return ((Comparable) a).compareTo(b);
    }
    return a.toString().compareTo(b.toString());
  }

  /** The fd table with its fds renamed, in the order of the new names (as the TreeMap would be). */
  private void fdTable() {
    ids.put(kernel.fds, ids.size());
    TreeMap<Integer, Object> renamed = new TreeMap<>();
    kernel.fds.forEach((fd, f) -> renamed.put(fd(fd), f));
    tag(10);
    num(renamed.size());
    for (Map.Entry<Integer, Object> e : renamed.entrySet()) {
      value(e.getKey());
      value(e.getValue());
    }
  }

  /** The request log: pending requests in order, and the PT-BYPASS digest of READ/WRITE. */
  private void log() {
    tag(15);
    List<Request> pending = new ArrayList<>();
    TreeSet<String> rw = new TreeSet<>();
    for (Request r : kernel.log) {
      if (!r.answered()) {
        pending.add(r);
      }
      if ((r.opcode == Opcode.READ || r.opcode == Opcode.WRITE) && r.args.length > 2) {
        rw.add(r.nodeid + ":" + r.args[2]);
      }
    }
    num(pending.size());
    for (Request r : pending) {
      value(r);
    }
    num(rw.size());
    for (String s : rw) {
      str(s);
    }
  }

}
