package fusesim.traces.lang;

import fusesim.model.Errno;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of values, flag expressions and {@code key=value} lists, driven by the catalogs. */
final class Values {
  private static final Pattern INTEGER =
      Pattern.compile("-?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");
  private static final Pattern DURATION = Pattern.compile("(0|[1-9][0-9]*)(s|ms|us|ns)?");
  private static final Pattern MAPPING = Pattern.compile("m[0-9]+");
  private static final Set<String> IOMODES = Set.of("none", "cached", "uncached");

  private Values() {}

  /** The value of an integer literal, or empty if {@code text} is not one (or overflows). */
  static Optional<Long> parseInteger(String text) {
    if (!INTEGER.matcher(text).matches()) {
      return Optional.empty();
    }
    boolean negative = text.startsWith("-");
    String digits = negative ? text.substring(1) : text;
    try {
      long magnitude = magnitude(digits);
      return Optional.of(negative ? -magnitude : magnitude);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static long magnitude(String digits) {
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      return Long.parseUnsignedLong(digits.substring(2), 16);
    }
    if (digits.length() > 1 && digits.startsWith("0")) {
      return Long.parseLong(digits.substring(1), 8);
    }
    return Long.parseLong(digits);
  }

  static boolean isMapping(String text) {
    return MAPPING.matcher(text).matches();
  }

  /** An integer literal. */
  static Value.Int integer(Cursor c, String expected) {
    Token t = c.peek();
    Optional<Long> v = t.is(Token.Kind.WORD) ? parseInteger(t.text()) : Optional.empty();
    if (v.isEmpty()) {
      throw c.fail(expected);
    }
    c.next();
    return new Value.Int(t.pos(), v.get(), t.text());
  }

  /** An iovec list {@code [4, 4]}: 1..{@link Value.Iov#MAX} byte counts, none negative. */
  static Value.Iov iov(Cursor c) {
    Token open = c.peek();
    c.expect(Token.Kind.LBRACKET, ArgKind.IOV.description());
    List<Long> lengths = new ArrayList<>();
    while (true) {
      Token t = c.peek();
      Value.Int n = integer(c, "an iovec length (a byte count)");
      if (n.value() < 0) {
        throw new TraceSyntaxError(c.file(), t.pos(), "an iovec length (a byte count, 0 or more)", t.describe());
      }
      lengths.add(n.value());
      if (!c.at(Token.Kind.COMMA)) {
        break;
      }
      if (lengths.size() == Value.Iov.MAX) {
        throw c.fail("\"]\" (at most " + Value.Iov.MAX + " iovecs)");
      }
      c.next();
    }
    c.expect(Token.Kind.RBRACKET, "\",\" or \"]\"");
    return new Value.Iov(open.pos(), lengths);
  }

  /** utimensat's times: {@code NULL} or {@code [T, T]} ({@link Value.Times}). */
  static Value.Times times(Cursor c) {
    Token open = c.peek();
    if (open.isWord("NULL")) {
      c.next();
      return new Value.Times(open.pos(), null, null);
    }
    c.expect(Token.Kind.LBRACKET, ArgKind.TIMES.description());
    Value.Times.Spec a = timespec(c);
    c.expect(Token.Kind.COMMA, "\",\" and the mtime (utimensat takes [atime, mtime])");
    Value.Times.Spec m = timespec(c);
    c.expect(Token.Kind.RBRACKET, "\"]\" (utimensat takes [atime, mtime])");
    return new Value.Times(open.pos(), a, m);
  }

  private static final String TIMESPEC = "UTIME_NOW, UTIME_OMIT or {tv_sec=S, tv_nsec=N}";

  /** {@code UTIME_NOW}, {@code UTIME_OMIT} or {@code {tv_sec=S, tv_nsec=N}}. */
  private static Value.Times.Spec timespec(Cursor c) {
    Token t = c.peek();
    if (t.isWord("UTIME_NOW") || t.isWord("UTIME_OMIT")) {
      c.next();
      return new Value.Times.Spec(t.isWord("UTIME_NOW") ? Value.Times.Spec.Kind.NOW
          : Value.Times.Spec.Kind.OMIT, 0, 0);
    }
    c.expect(Token.Kind.LBRACE, TIMESPEC);
    long sec = timespecField(c, "tv_sec");
    c.expect(Token.Kind.COMMA, "\",\" and tv_nsec=N");
    long nsec = timespecField(c, "tv_nsec");
    c.expect(Token.Kind.RBRACE, "\"}\"");
    return new Value.Times.Spec(Value.Times.Spec.Kind.SET, sec, nsec);
  }

  private static long timespecField(Cursor c, String name) {
    c.expectWord(name);
    c.expect(Token.Kind.EQ, "\"=\"");
    return integer(c, "an integer (" + name + ")").value();
  }

  /** A time; {@code inf} only if {@code allowInfinite}. */
  static Value.Time time(Cursor c, boolean allowInfinite) {
    Token t = c.peek();
    String expected =
        allowInfinite ? ValueKind.TIME.description() : "a duration (2s, 500ms, 1500ns or 5)";
    if (allowInfinite && t.isWord("inf")) {
      c.next();
      return new Value.Time(t.pos(), Value.Time.INFINITE, t.text());
    }
    Matcher m = DURATION.matcher(t.is(Token.Kind.WORD) ? t.text() : "");
    if (!m.matches()) {
      throw c.fail(expected);
    }
    try {
      long nanos = Math.multiplyExact(Long.parseLong(m.group(1)), unitNanos(m.group(2)));
      c.next();
      return new Value.Time(t.pos(), nanos, t.text());
    } catch (ArithmeticException | NumberFormatException e) {
      throw c.fail(expected);
    }
  }

  private static long unitNanos(String unit) {
    if (unit == null || unit.equals("s")) {
      return 1_000_000_000L;
    }
    return unit.equals("ms") ? 1_000_000L : unit.equals("us") ? 1_000L : 1L;
  }

  /** An errno name in either case. */
  static Value.Err errno(Cursor c) {
    Token t = c.peek();
    Optional<Errno> e = t.is(Token.Kind.WORD) ? Errno.parse(t.text()) : Optional.empty();
    if (e.isEmpty()) {
      throw c.fail(ValueKind.ERRNO.description());
    }
    c.next();
    return new Value.Err(t.pos(), e.get(), t.text());
  }

  /**
   * A flag expression of {@code table}: terms joined with {@code |} (and also {@code ,} if
   * {@code commaToo}); a choice table takes exactly one term.
   */
  static Value.Flags flags(Cursor c, FlagTable table, boolean commaToo) {
    Token first = c.peek();
    List<String> terms = new ArrayList<>();
    long value = flagTerm(c, table, terms);
    while (table.combinable() && (c.at(Token.Kind.PIPE) || commaToo && c.at(Token.Kind.COMMA))) {
      c.next();
      value |= flagTerm(c, table, terms);
    }
    return new Value.Flags(first.pos(), value, terms);
  }

  private static long flagTerm(Cursor c, FlagTable table, List<String> terms) {
    Token t = c.peek();
    Optional<Long> v = Optional.empty();
    if (t.is(Token.Kind.WORD)) {
      v = table.valueOf(t.text()).or(() -> parseInteger(t.text()));
    }
    if (v.isEmpty()) {
      throw c.fail(table.description());
    }
    c.next();
    terms.add(t.text());
    return v.get();
  }

  /** A comma list of names; empty if the next token starts something else. */
  static Value.Names names(Cursor c) {
    Token first = c.peek();
    List<String> names = new ArrayList<>();
    if (!first.is(Token.Kind.WORD) || c.peek(1).is(Token.Kind.EQ)) {
      return new Value.Names(first.pos(), names);
    }
    names.add(c.next().text());
    while (c.at(Token.Kind.COMMA)) {
      c.next();
      if (!c.at(Token.Kind.WORD)) {
        throw c.fail("a name");
      }
      names.add(c.next().text());
    }
    return new Value.Names(first.pos(), names);
  }

  /** A value of {@code kind}. */
  static Value value(Cursor c, ValueKind kind) {
    switch (kind) {
      case INT:
      case MODE:
        return integer(c, kind.description());
      case BOOL:
        return bool(c);
      case TIME:
        return time(c, true);
      case ERRNO:
        return errno(c);
      case NAMES:
        return names(c);
      case INT_OR_NONE:
        return c.atWord("none") ? sym(c) : integer(c, kind.description());
      case IOMODE:
        return iomode(c);
      case OPEN_FLAGS:
        return flags(c, Catalog.FOPEN, true);
      case OPS:
        return flags(c, Catalog.BACKING_OPS, true);
      case DATA:
        return data(c);
      default:
        throw new AssertionError(kind);
    }
  }

  /**
   * File bytes: a string token of at most {@code Bytes.MAX_LITERAL} bytes, every char written as
   * ASCII or as an escape (a char above 0x7f written as is is not one byte: refused at its column).
   */
  static Value.Data data(Cursor c) {
    Token t = c.peek();
    if (!t.is(Token.Kind.STRING)) {
      throw c.fail(ValueKind.DATA.description());
    }
    String raw = t.text();
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) > 0x7e) {
        throw new TraceSyntaxError(c.file(), new Pos(t.pos().line(), t.pos().col() + i),
            "a data byte as ASCII or \\xHH", "\"" + raw.charAt(i) + "\"");
      }
    }
    if (t.value().length() > fusesim.model.Bytes.MAX_LITERAL) {
      throw new TraceSyntaxError(c.file(), t.pos(), "at most " + fusesim.model.Bytes.MAX_LITERAL
          + " bytes of data", t.value().length() + " bytes");
    }
    c.next();
    return new Value.Data(t.pos(), t.value());
  }

  private static Value bool(Cursor c) {
    Token t = c.peek();
    if (!t.isWord("0") && !t.isWord("1")) {
      throw c.fail(ValueKind.BOOL.description());
    }
    return integer(c, ValueKind.BOOL.description());
  }

  private static Value iomode(Cursor c) {
    if (!c.at(Token.Kind.WORD) || !IOMODES.contains(c.peek().text())) {
      throw c.fail(ValueKind.IOMODE.description());
    }
    return sym(c);
  }

  private static Value.Sym sym(Cursor c) {
    Token t = c.next();
    return new Value.Sym(t.pos(), t.text());
  }

  /**
   * {@code key=value} items while the next token is a word; each key must be in {@code keys} and
   * appear once. {@code what} names the list in errors, e.g. {@code an attribute}.
   */
  static List<Item> items(Cursor c, Map<String, ValueKind> keys, String what) {
    List<Item> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (c.at(Token.Kind.WORD)) {
      Token key = c.peek();
      if (!keys.containsKey(key.text())) {
        throw c.fail(what + " " + keyList(keys));
      }
      if (!seen.add(key.text())) {
        throw c.fail(what + " not given yet (" + key.text() + " is already set on this line)");
      }
      c.next();
      c.expect(Token.Kind.EQ, "\"=\" after " + key.text());
      items.add(new Item(key.pos(), key.text(), value(c, keys.get(key.text()))));
    }
    return items;
  }

  /** {@code (a, b, c)} or {@code (none)} for an empty table. */
  static String keyList(Map<String, ?> keys) {
    return keys.isEmpty() ? "(none)" : "(" + String.join(", ", keys.keySet()) + ")";
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
