package fusesim.traces.lang;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed trace: one scenario of the FUSE passthrough model (traces/GRAMMAR.md).
 * Immutable; built by {@link TraceParser}, printed by {@link TracePrinter}.
 *
 * @param file the file name errors are reported against
 * @param header the header lines
 * @param body the statements after the header, in text order
 */
public record Trace(String file, Header header, List<Stmt> body) {
  public Trace {
    Objects.requireNonNull(file);
    Objects.requireNonNull(header);
    body = List.copyOf(body);
  }

  /** The trace name of the header. */
  public String name() {
    return header.name().text();
  }

  /** The statement that starts on {@code line}, if any. */
  public Optional<Stmt> stmtAtLine(int line) {
    return body.stream().filter(s -> s.line() == line).findFirst();
  }
}
