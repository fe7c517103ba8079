/**
 * The trace language of fusesim: the AST, parser, printer and catalogs (traces/GRAMMAR.md).
 *
 * <ul>
 *   <li>{@link fusesim.traces.lang.TraceParser#parse} turns text into an immutable
 *       {@link fusesim.traces.lang.Trace}: a {@link fusesim.traces.lang.Header} and a list of
 *       {@link fusesim.traces.lang.Stmt} (a sealed hierarchy of records). Every node carries the
 *       {@link fusesim.traces.lang.Pos} of its first token; {@code key=value} items carry the
 *       position of the key and of the value.
 *   <li>{@link fusesim.traces.lang.TracePrinter#print} gives canonical text back.
 *   <li>Errors are {@link fusesim.traces.lang.TraceError}s formatted {@code FILE:LINE:COL: ...}:
 *       {@link fusesim.traces.lang.TraceSyntaxError} from the parser,
 *       {@link fusesim.traces.lang.TraceSemanticError} for later stages such as replay.
 *   <li>The tables of names (syscalls, flags, errnos, opcodes, mount options, reply kinds, keys)
 *       are data: {@link fusesim.traces.lang.Catalog} and the enums it lists. The parser, the
 *       printer, GRAMMAR.md ({@link fusesim.traces.lang.CatalogDoc}) and replay share them.
 * </ul>
 *
 * <p>Everything is deterministic and free of I/O; parsing is a pure function of file name and
 * text.
 */
package fusesim.traces.lang;
