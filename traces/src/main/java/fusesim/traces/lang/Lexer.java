package fusesim.traces.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of trace text into tokens. Spaces and tabs separate tokens; {@code #} outside a
 * string starts a comment. The single-character tokens are {@code ( ) , = { } | [ ]}; the strace
 * markers {@code <unfinished ...>} and {@code <...} are one token each; a string is
 * {@code "..."} with the escapes {@code \\ \" \n \t \r \0 \xHH}; every other run of characters is a
 * word (paths, names, numbers, {@code ->}, {@code resumed>}, {@code mount:/a}).
 */
final class Lexer {
  private static final String SINGLE = "(),={}|[]";
  private static final String UNFINISHED = "<unfinished ...>";
  private static final String RESUMED = "<...";

  private final String file;
  private final int line;
  private final String text;
  private int i;

  private Lexer(String file, int line, String text) {
    this.file = file;
    this.line = line;
    this.text = text;
  }

  /** The tokens of {@code text} (line {@code line} of {@code file}), ending with one EOL. */
  static List<Token> tokenize(String file, int line, String text) {
    return new Lexer(file, line, text).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    int end = 0;
    while (true) {
      skipSpace();
      if (i >= text.length() || text.charAt(i) == '#') {
        break;
      }
      tokens.add(next());
      end = i;
    }
    tokens.add(new Token(Token.Kind.EOL, "", "", pos(end)));
    return tokens;
  }

  private void skipSpace() {
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
  }

  private Pos pos(int index) {
    return new Pos(line, index + 1);
  }

  private Token next() {
    int start = i;
    char c = text.charAt(i);
    if (SINGLE.indexOf(c) >= 0) {
      i++;
      return new Token(singleKind(c), String.valueOf(c), String.valueOf(c), pos(start));
    }
    if (c == '"') {
      return string();
    }
    if (c == '<') {
      return marker();
    }
    while (i < text.length() && isWordChar(text.charAt(i))) {
      i++;
    }
    String w = text.substring(start, i);
    return new Token(Token.Kind.WORD, w, w, pos(start));
  }

  private static boolean isWordChar(char c) {
    return c != ' ' && c != '\t' && c != '"' && c != '#' && c != '<' && SINGLE.indexOf(c) < 0;
  }

  private static Token.Kind singleKind(char c) {
    switch (c) {
      case '(':
        return Token.Kind.LPAREN;
      case ')':
        return Token.Kind.RPAREN;
      case ',':
        return Token.Kind.COMMA;
      case '=':
        return Token.Kind.EQ;
      case '{':
        return Token.Kind.LBRACE;
      case '}':
        return Token.Kind.RBRACE;
      case '[':
        return Token.Kind.LBRACKET;
      case ']':
        return Token.Kind.RBRACKET;
      default:
        return Token.Kind.PIPE;
    }
  }

  private Token marker() {
    int start = i;
    if (text.startsWith(UNFINISHED, i)) {
      i += UNFINISHED.length();
      return new Token(Token.Kind.UNFINISHED, UNFINISHED, UNFINISHED, pos(start));
    }
    if (text.startsWith(RESUMED, i)) {
      i += RESUMED.length();
      return new Token(Token.Kind.RESUMED, RESUMED, RESUMED, pos(start));
    }
    int stop = i;
    while (stop < text.length() && text.charAt(stop) != ' ') {
      stop++;
    }
    throw new TraceSyntaxError(file, pos(start), "\"<unfinished ...>\" or \"<...\"",
        "\"" + text.substring(start, stop) + "\"");
  }

  private Token string() {
    int start = i++;
    StringBuilder value = new StringBuilder();
    while (i < text.length() && text.charAt(i) != '"') {
      char c = text.charAt(i++);
      value.append(c == '\\' ? escape() : c);
    }
    if (i >= text.length()) {
      throw new TraceSyntaxError(file, pos(text.length()),
          "'\"' to close the string opened at column " + (start + 1), "end of line");
    }
    i++;
    return new Token(Token.Kind.STRING, text.substring(start, i), value.toString(), pos(start));
  }

  private char escape() {
    if (i >= text.length()) {
      throw new TraceSyntaxError(file, pos(i), "an escape (\\\\ \\\" \\n \\t \\r \\0 \\xHH)",
          "end of line");
    }
    char c = text.charAt(i++);
    switch (c) {
      case '\\':
      case '"':
        return c;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'x':
        return hexEscape();
      default:
        throw new TraceSyntaxError(file, pos(i - 2), "an escape (\\\\ \\\" \\n \\t \\r \\0 \\xHH)",
            "\"\\" + c + "\"");
    }
  }

  private char hexEscape() {
    int start = i - 2;
    if (i + 2 > text.length() || !isHex(text.charAt(i)) || !isHex(text.charAt(i + 1))) {
      throw new TraceSyntaxError(file, pos(start), "two hex digits after \\x",
          "\"" + text.substring(start, Math.min(text.length(), i + 2)) + "\"");
    }
    char c = (char) Integer.parseInt(text.substring(i, i + 2), 16);
    i += 2;
    return c;
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  /** The text of a string literal whose content is {@code value}: the printer's inverse. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      out.append(escaped(c));
    }
    return out.append('"').toString();
  }

  /** File bytes quoted so they read back as the same bytes: above 0x7e as {@code \xHH}. */
  static String quoteData(String bytes) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : bytes.toCharArray()) {
      out.append(c > 0x7e ? String.format("\\x%02x", (int) c) : escaped(c));
    }
    return out.append('"').toString();
  }

  private static String escaped(char c) {
    switch (c) {
      case '\\':
        return "\\\\";
      case '"':
        return "\\\"";
      case '\n':
        return "\\n";
      case '\t':
        return "\\t";
      case '\r':
        return "\\r";
      case '\0':
        return "\\0";
      default:
        return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }
  }
}
