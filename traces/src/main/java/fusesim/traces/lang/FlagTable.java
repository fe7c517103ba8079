package fusesim.traces.lang;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A named set of flag constants (for example the {@code O_*} open flags) with their Linux x86_64
 * values. A flag expression in a trace is one or more terms joined with {@code |} (or {@code ,}
 * where GRAMMAR.md says so); a term is a name of the table or an integer literal.
 */
public final class FlagTable {
  private final String description;
  private final Map<String, Long> values;
  private final boolean combinable;

  private FlagTable(String description, boolean combinable, Object... nameValuePairs) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      map.put((String) nameValuePairs[i], ((Number) nameValuePairs[i + 1]).longValue());
    }
    this.description = description;
    this.values = Collections.unmodifiableMap(map);
    this.combinable = combinable;
  }

  /** A table whose terms may be or-ed together. */
  static FlagTable of(String description, Object... nameValuePairs) {
    return new FlagTable(description, true, nameValuePairs);
  }

  /** A table of alternatives: an expression is exactly one term (e.g. {@code SEEK_*}). */
  static FlagTable choice(String description, Object... nameValuePairs) {
    return new FlagTable(description, false, nameValuePairs);
  }

  /** What one term is, for error messages: e.g. {@code an open flag O_*}. */
  public String description() {
    return description;
  }

  /** Names in the order of GRAMMAR.md, with their values. */
  public Map<String, Long> values() {
    return values;
  }

  /** Whether terms may be joined with {@code |}. */
  public boolean combinable() {
    return combinable;
  }

  /** The value of a name in this table. */
  public Optional<Long> valueOf(String name) {
    return Optional.ofNullable(values.get(name));
  }
}
