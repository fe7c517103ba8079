package fusesim.traces.lang;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Test helpers: resources, wrapping fragments in a header, comparing ASTs without positions. */
final class Fixtures {
  /** The header wrapped around example fragments that are not whole traces. */
  static final String MINIMAL_HEADER = "trace: fragment\nresult: pass\n";

  private Fixtures() {}

  static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The example as a whole trace: fragments get {@link #MINIMAL_HEADER}. */
  static String exampleText(String name) {
    String text = resource("trace-format/" + name + ".trace");
    return text.startsWith("trace:") ? text : MINIMAL_HEADER + text;
  }

  static Trace example(String name) {
    return TraceParser.parse(name + ".trace", exampleText(name));
  }

  /** A copy of an AST node with every {@link Pos} replaced by {@link Pos#NONE}. */
  @SuppressWarnings("unchecked")
  static <T> T withoutPositions(T node) {
    return (T) strip(node);
  }

  private static Object strip(Object o) {
    if (o instanceof Pos) {
      return Pos.NONE;
    }
    if (o instanceof List<?> list) {
      return list.stream().map(Fixtures::strip).toList();
    }
    if (o instanceof Optional<?> opt) {
      return opt.map(Fixtures::strip);
    }
    if (o instanceof Record r) {
      return stripRecord(r);
    }
    return o;
  }

  private static Object stripRecord(Record r) {
    RecordComponent[] parts = r.getClass().getRecordComponents();
    Object[] values = new Object[parts.length];
    Class<?>[] types = new Class<?>[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        types[i] = parts[i].getType();
        values[i] = strip(parts[i].getAccessor().invoke(r));
      }
      Constructor<?> ctor = r.getClass().getDeclaredConstructor(types);
      return ctor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
