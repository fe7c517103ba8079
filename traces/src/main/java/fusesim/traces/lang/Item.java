package fusesim.traces.lang;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code key=value} item, with the position of the key ({@link #pos()}) and of the value
 * ({@code value().pos()}). The kind of the value is the one the key has in its table (see
 * {@link Catalog}); keys are unique within one list.
 */
public record Item(Pos pos, String key, Value value) {
  public Item {
    Objects.requireNonNull(pos);
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
  }

  /** An item not parsed from text. */
  public static Item of(String key, Value value) {
    return new Item(Pos.NONE, key, value);
  }

  /** The item with this key in {@code items}. */
  public static Optional<Item> find(List<Item> items, String key) {
    return items.stream().filter(i -> i.key.equals(key)).findFirst();
  }

  /** The value of the key in {@code items}. */
  public static Optional<Value> get(List<Item> items, String key) {
    return find(items, key).map(Item::value);
  }

  /** The integer value of the key in {@code items} (empty if absent or not an integer). */
  public static Optional<Long> longValue(List<Item> items, String key) {
    return get(items, key).filter(v -> v instanceof Value.Int).map(v -> ((Value.Int) v).value());
  }
}
