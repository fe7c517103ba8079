package fusesim.explore;

import fusesim.model.Syscall;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields {@link ModelEncoder} writes: every instance field of a model class, in name order
 * (superclass fields first), except those {@link #SKIPPED} names with a reason; and how each is
 * read ({@link Acc}: through its {@code Unsafe} offset, or reflectively where a class has none).
 */
final class EncodedFields {
  private EncodedFields() {}

  /** Fields not encoded, with why: identity labels (renamed by the walk) and history. */
  public static final Map<String, String> SKIPPED = Map.ofEntries(
      Map.entry("fusesim.model.Kernel.log", "history; its pending requests and the PT-BYPASS digest are written instead"),
      Map.entry("fusesim.model.Kernel.notes", "pr_debug lines for reports, never read by the model"),
      Map.entry("fusesim.model.Kernel.nextSerial", "allocator of identity serials (identity is renamed)"),
      Map.entry("fusesim.model.fuse.FuseInode.serial", "identity label (toString only)"),
      Map.entry("fusesim.model.fuse.FuseFile.serial", "identity label (toString only)"),
      Map.entry("fusesim.model.vfs.KFile.serial", "identity label (toString only)"),
      Map.entry("fusesim.model.fuse.Request.unique", "identity label (the trace names requests by thread and opcode)"),
      Map.entry("fusesim.model.fuse.Dev.nextUnique", "allocator of request uniques"),
      Map.entry("fusesim.model.Server.nextFh", "allocator of fresh fhs: the explorer's alphabet never names an fh, so "
          + "only equality among existing fhs matters, and every new one is fresh in both states"),
      Map.entry("fusesim.model.Kernel.ghostRead", "the read that returned in this step, judged by READ-RESULT and "
          + "COHERENCE right after it and cleared when the next step starts (StepRunner.execute)"),
      Map.entry("fusesim.model.Kernel.ghostWrite", "the passthrough write that returned in this step, judged by "
          + "PT-WRITE-RESULT right after it (a snapshot: judging it again later sees the same values)"),
      Map.entry("fusesim.model.UserThread.lastResult", "read by the trace runner right after the call returns"),
      Map.entry("fusesim.model.UserThread.lastCall", "read by the trace runner right after the call returns"));

  private static final Map<Class<?>, Field[]> FIELDS = new ConcurrentHashMap<>();

  /** The encoded fields of a class, in name order (superclass fields first). */
  static Field[] fields(Class<?> c) {
    return FIELDS.computeIfAbsent(c, EncodedFields::collectFields);
  }

  private static Field[] collectFields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class && k != Record.class; k = k.getSuperclass()) {
      List<Field> own = new ArrayList<>();
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() && !k.isHidden()) {
          continue;
        }
        if (SKIPPED.containsKey(k.getName() + "." + f.getName())) {
          continue;
        }
        if (!f.trySetAccessible()) {
          throw new IllegalStateException("the state encoder cannot read " + f);
        }
        own.add(f);
      }
      own.sort(Comparator.comparing(Field::getName));
      out.addAll(0, own);
    }
    return out.toArray(new Field[0]);
  }

  /** An fd field of a syscall in flight (the fd it works on, the fd an open reserved). */
  private static boolean fdField(Field f) {
    return f.getType() == int.class && (f.getName().equals("fd") || f.getName().equals("reservedFd"))
        && Syscall.class.isAssignableFrom(f.getDeclaringClass());
  }

  static Object read(Field f, Object o) {
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + f, e);
    }
  }

  /**
   * How a field is read: through its Unsafe offset (plain classes: no reflection, no boxing), or
   * reflectively ({@code off} -1: records and hidden classes, which have no offsets).
   */
  record Acc(Field f, long off, char type, boolean fdField) {}

  private static final Map<Class<?>, Acc[]> ACCESSORS = new ConcurrentHashMap<>();

  static Acc[] accessors(Class<?> c) {
    Acc[] a = ACCESSORS.get(c);
    if (a == null) {
      Field[] fs = fields(c);
      a = new Acc[fs.length];
      boolean unsafe = !c.isRecord() && !c.isHidden();
      for (int i = 0; i < fs.length; i++) {
        Class<?> t = fs[i].getType();
        char type = !t.isPrimitive() ? 'L' : t == int.class ? 'I' : t == long.class ? 'J' : t == boolean.class ? 'Z'
            : t == short.class ? 'S' : t == byte.class ? 'B' : t == char.class ? 'C' : t == double.class ? 'D' : 'F';
        a[i] = new Acc(fs[i], unsafe ? StateCodec.U.objectFieldOffset(fs[i]) : -1, type, fdField(fs[i]));
      }
      ACCESSORS.put(c, a);
    }
    return a;
  }
}
