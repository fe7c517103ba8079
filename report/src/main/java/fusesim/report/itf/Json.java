package fusesim.report.itf;

import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON tree, reader and writer, enough for ITF (RFC 8259 JSON; numbers kept as their
 * literal text so no precision is lost). Every node carries the line and column where it starts,
 * so an ITF file that is valid JSON but not a valid trace is still reported at a place. Written
 * here rather than taken from a library: the reader has to report {@code file:line:col} (the
 * common libraries report offsets or nothing), the writer has to be byte-deterministic, and it is
 * 300 lines.
 */
public final class Json {
  private Json() {}

  /** A JSON value and where it starts (1-based line and column; 0 for a built value). */
  public sealed interface Node permits Obj, Arr, Str, Num, Bool, Null {
    int line();

    int col();
  }

  /** An object: keys in the order written. */
  public record Obj(Map<String, Node> members, int line, int col) implements Node {
    public Obj(Map<String, Node> members) {
      this(members, 0, 0);
    }

    public Node get(String key) {
      return members.get(key);
    }
  }

  public record Arr(List<Node> items, int line, int col) implements Node {
    public Arr(List<Node> items) {
      this(items, 0, 0);
    }
  }

  public record Str(String value, int line, int col) implements Node {
    public Str(String value) {
      this(value, 0, 0);
    }
  }

  /** A number, as written. */
  public record Num(String text, int line, int col) implements Node {}

  public record Bool(boolean value, int line, int col) implements Node {
    public Bool(boolean value) {
      this(value, 0, 0);
    }
  }

  public record Null(int line, int col) implements Node {}

  /** A JSON text that does not parse: message with its place. */
  public static final class JsonError extends RuntimeException {
    public JsonError(String file, int line, int col, String message) {
      super(file + ":" + line + ":" + col + ": " + TraceError.cutQuoted(message));
    }
  }

  // An ITF file is untrusted input (issue 16): each limit is checked as the reader reaches it and
  // refused with a located message naming it, so no file can exhaust the stack, the heap or the CPU.

  /** Deepest nesting accepted: a hostile file cannot overflow the reader's stack. */
  public static final int MAX_DEPTH = 64;

  /** Longest string, in characters after unescaping: a trace (TraceFile.MAX_BYTES) rides in one. */
  public static final int MAX_STRING = TraceFile.MAX_BYTES;

  /**
   * Longest number literal: fusesim writes 64-bit integers (20 characters); a longer literal would
   * only cost {@link java.math.BigInteger}'s quadratic parse when values are compared.
   */
  public static final int MAX_NUMBER = 64;

  /** Most values in one file: each costs a node on the heap (a 35 KB export has ~2,000). */
  public static final int MAX_VALUES = 1 << 20;

  /** Parses {@code text} (the whole of it: one value, then only whitespace). */
  public static Node parse(String file, String text) {
    Reader r = new Reader(file, text);
    r.ws();
    Node n = r.value(0);
    r.ws();
    if (r.i < text.length()) {
      throw r.error("unexpected '" + r.ch() + "' after the JSON value");
    }
    return n;
  }

  /** The value as indented JSON, two spaces a level, members in order; a newline at the end. */
  public static String write(Node n) {
    StringBuilder b = new StringBuilder();
    write(b, n, 0);
    return b.append('\n').toString();
  }

  /** The value on one line, no spaces. */
  public static String compact(Node n) {
    StringBuilder b = new StringBuilder();
    write(b, n, -1);
    return b.toString();
  }

  private static void write(StringBuilder b, Node n, int indent) {
    if (n instanceof Obj o) {
      writeObj(b, o, indent);
    } else if (n instanceof Arr a) {
      writeArr(b, a, indent);
    } else if (n instanceof Str s) {
      b.append(quote(s.value()));
    } else if (n instanceof Num x) {
      b.append(x.text());
    } else if (n instanceof Bool x) {
      b.append(x.value());
    } else {
      b.append("null");
    }
  }

  private static void writeObj(StringBuilder b, Obj o, int indent) {
    if (o.members().isEmpty()) {
      b.append("{}");
      return;
    }
    // a record of scalars only (a state's #meta, a #bigint) stays on one line
    int in = flat(o.members().values()) ? -1 : indent;
    b.append('{');
    String sep = "";
    for (Map.Entry<String, Node> e : o.members().entrySet()) {
      b.append(sep);
      newline(b, in, 1);
      b.append(quote(e.getKey())).append(in < 0 ? ":" : ": ");
      write(b, e.getValue(), in < 0 ? -1 : in + 1);
      sep = ",";
    }
    newline(b, in, 0);
    b.append('}');
  }

  private static void writeArr(StringBuilder b, Arr a, int indent) {
    if (a.items().isEmpty()) {
      b.append("[]");
      return;
    }
    int in = flat(a.items()) ? -1 : indent;
    b.append('[');
    String sep = "";
    for (Node x : a.items()) {
      b.append(sep);
      newline(b, in, 1);
      write(b, x, in < 0 ? -1 : in + 1);
      sep = ",";
    }
    newline(b, in, 0);
    b.append(']');
  }

  private static boolean flat(java.util.Collection<Node> items) {
    for (Node x : items) {
      if (x instanceof Arr || (x instanceof Obj o && !isBigint(o))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBigint(Obj o) {
    return o.members().size() == 1 && o.members().containsKey("#bigint");
  }

  private static void newline(StringBuilder b, int indent, int extra) {
    if (indent >= 0) {
      b.append('\n').append("  ".repeat(indent + extra));
    }
  }

  /** A JSON string literal; non-ASCII is kept as UTF-8, controls escaped. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }

  /** Recursive descent over the text, tracking line and column. */
  private static final class Reader {
    private final String file;
    private final String text;
    private int i;
    private int line = 1;
    private int lineStart;
    private int values;

    /** RFC 8259's number, compiled once: a file of MAX_VALUES numbers must not compile it as often. */
    private static final java.util.regex.Pattern NUMBER =
        java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    Reader(String file, String text) {
      this.file = file;
      this.text = text;
    }

    JsonError error(String msg) {
      return new JsonError(file, line, i - lineStart + 1, msg);
    }

    String ch() {
      return i < text.length() ? String.valueOf(text.charAt(i)) : "end of file";
    }

    void ws() {
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\n') {
          line++;
          lineStart = i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
          return;
        }
        i++;
      }
    }

    Node value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH + " levels (the limit Json.MAX_DEPTH)");
      }
      if (++values > MAX_VALUES) {
        throw error("more than " + MAX_VALUES + " JSON values (the limit Json.MAX_VALUES)");
      }
      if (i >= text.length()) {
        throw error("expected a JSON value, found end of file");
      }
      int l = line;
      int c = i - lineStart + 1;
      char x = text.charAt(i);
      return switch (x) {
        case '{' -> object(depth, l, c);
        case '[' -> array(depth, l, c);
        case '"' -> new Str(string(), l, c);
        case 't' -> word("true", new Bool(true, l, c));
        case 'f' -> word("false", new Bool(false, l, c));
        case 'n' -> word("null", new Null(l, c));
        default -> {
          if (x == '-' || (x >= '0' && x <= '9')) {
            yield new Num(number(), l, c);
          }
          throw error("expected a JSON value, found '" + x + "'");
        }
      };
    }

    private Node word(String w, Node n) {
      if (!text.startsWith(w, i)) {
        throw error("expected '" + w + "'");
      }
      i += w.length();
      return n;
    }

    private Obj object(int depth, int l, int c) {
      i++;
      Map<String, Node> m = new LinkedHashMap<>();
      ws();
      if (i < text.length() && text.charAt(i) == '}') {
        i++;
        return new Obj(m, l, c);
      }
      while (true) {
        ws();
        if (i >= text.length() || text.charAt(i) != '"') {
          throw error("expected a member name in quotes, found " + describe());
        }
        int kl = line;
        int kc = i - lineStart + 1;
        String key = string();
        if (m.containsKey(key)) {
          throw new JsonError(file, kl, kc, "duplicate member name " + quote(key));
        }
        ws();
        expect(':');
        ws();
        m.put(key, value(depth + 1));
        ws();
        if (next(',', '}') == '}') {
          return new Obj(m, l, c);
        }
      }
    }

    private Arr array(int depth, int l, int c) {
      i++;
      List<Node> items = new ArrayList<>();
      ws();
      if (i < text.length() && text.charAt(i) == ']') {
        i++;
        return new Arr(items, l, c);
      }
      while (true) {
        ws();
        items.add(value(depth + 1));
        ws();
        if (next(',', ']') == ']') {
          return new Arr(items, l, c);
        }
      }
    }

    private String describe() {
      return i >= text.length() ? "end of file" : "'" + text.charAt(i) + "'";
    }

    private void expect(char want) {
      if (i >= text.length() || text.charAt(i) != want) {
        throw error("expected '" + want + "', found " + describe());
      }
      i++;
    }

    private char next(char a, char b) {
      if (i < text.length() && (text.charAt(i) == a || text.charAt(i) == b)) {
        return text.charAt(i++);
      }
      throw error("expected '" + a + "' or '" + b + "', found " + describe());
    }

    private String string() {
      i++;
      StringBuilder b = new StringBuilder();
      while (true) {
        if (i >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(i);
        if (c == '"') {
          i++;
          return b.toString();
        }
        if (b.length() >= MAX_STRING) {
          throw error("a string longer than " + MAX_STRING + " characters (the limit Json.MAX_STRING)");
        }
        if (c < 0x20) {
          throw error("control character in a string (write it as \\u" + String.format("%04x", (int) c) + ")");
        }
        if (c == '\\') {
          b.append(escape());
        } else {
          b.append(c);
          i++;
        }
      }
    }

    private char escape() {
      if (i + 1 >= text.length()) {
        throw error("unterminated string");
      }
      char e = text.charAt(i + 1);
      String simple = "\"\\/bfnrt";
      int k = simple.indexOf(e);
      if (k >= 0) {
        i += 2;
        return "\"\\/\b\f\n\r\t".charAt(k);
      }
      if (e != 'u' || i + 6 > text.length()
          || !text.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
        throw error("bad escape in a string");
      }
      char u = (char) Integer.parseInt(text.substring(i + 2, i + 6), 16);
      i += 6;
      return u;
    }

    private String number() {
      java.util.regex.Matcher m = NUMBER.matcher(text).region(i, text.length());
      if (!m.lookingAt()) {
        throw error("malformed number");
      }
      if (m.end() - i > MAX_NUMBER) {
        throw error("a number longer than " + MAX_NUMBER + " characters (the limit Json.MAX_NUMBER)");
      }
      i = m.end();
      return m.group();
    }
  }
}
