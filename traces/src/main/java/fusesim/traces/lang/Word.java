package fusesim.traces.lang;

import java.util.Objects;

/**
 * A bare token of trace text with its position: a path of the lower tree ({@code /a}), a thread
 * name ({@code T1}), a trace name. Syscall paths are quoted and are {@link Value.Str} instead.
 */
public record Word(Pos pos, String text) {
  public Word {
    Objects.requireNonNull(pos);
    Objects.requireNonNull(text);
  }

  /** A word not parsed from text. */
  public static Word of(String text) {
    return new Word(Pos.NONE, text);
  }

  @Override
  public String toString() {
    return text;
  }
}
