package fusesim.traces.lang;

/**
 * A position in a trace file: 1-based line and column of the first character of a token.
 *
 * <p>Columns count characters (a tab is one column). {@link #NONE} marks nodes built by a program
 * (for example the property engine) rather than parsed from text; it is the only position with a
 * zero line.
 */
public record Pos(int line, int col) implements Comparable<Pos> {

  /** The position of a node that was not parsed from text. */
  public static final Pos NONE = new Pos(0, 0);

  public Pos {
    boolean none = line == 0 && col == 0;
    if (!none && (line < 1 || col < 1)) {
      throw new IllegalArgumentException("positions are 1-based: " + line + ":" + col);
    }
  }

  /** True unless this is {@link #NONE}. */
  public boolean known() {
    return line != 0;
  }

  /** This position moved {@code delta} columns to the right (for a part inside a token). */
  public Pos plusCols(int delta) {
    return known() ? new Pos(line, col + delta) : this;
  }

  @Override
  public int compareTo(Pos other) {
    return line != other.line ? Integer.compare(line, other.line) : Integer.compare(col, other.col);
  }

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
