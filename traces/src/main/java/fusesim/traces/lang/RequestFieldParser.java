package fusesim.traces.lang;

import fusesim.model.Opcode;
import fusesim.model.fuse.RequestFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code name=value} field of an expected request ({@code SETATTR(10,valid=SIZE|LOCKOWNER,size=0)}),
 * checked against the opcode's in-struct in {@link RequestFields}: the name must be a stateable
 * field of it, the value of the field's kind and inside its width.
 */
final class RequestFieldParser {
  private RequestFieldParser() {}

  /** What may close the request: the fields the opcode has, if any. */
  static String closing(Opcode op, boolean named) {
    Optional<RequestFields.Struct> s = RequestFields.of(op);
    return s.isEmpty() ? "\")\"" : "\")\" or \",\" and a field of " + op + " (" + fieldList(s.get()) + ")";
  }

  static Stmt.ReqField field(Cursor c, Opcode op, boolean named) {
    Token t = c.peek();
    Optional<RequestFields.Struct> st = RequestFields.of(op);
    if (st.isEmpty()) {
      throw c.fail((named ? "\")\"" : "a name string like \"a\"") + " (" + op
          + " has no in-struct fields to state)");
    }
    RequestFields.Struct s = st.get();
    String expected = "a field of " + op + " (" + fieldList(s) + ")";
    if (!t.is(Token.Kind.WORD)) {
      throw c.fail(expected);
    }
    Optional<RequestFields.Field> fd = s.field(t.text());
    if (fd.isEmpty()) {
      String why = s.unstateable().get(t.text());
      throw new TraceSyntaxError(c.file(), t.pos(), expected,
          why == null ? t.describe() : "\"" + t.text() + "\", which a trace cannot state: " + why);
    }
    c.next();
    c.expect(Token.Kind.EQ, "\"=\" and the value of " + op + "'s " + t.text());
    Value v = value(c, op, fd.get());
    long resolved = v instanceof Value.Int i ? i.value() : v instanceof Value.Flags f ? f.value()
        : v instanceof Value.Str ? 0 : fd.get().vocab().value(((Value.Sym) v).name()).orElseThrow();
    return new Stmt.ReqField(t.pos(), t.text(), v, resolved);
  }

  private static String fieldList(RequestFields.Struct s) {
    return s.cname() + ": " + String.join(", ", s.names());
  }

  private static String width(RequestFields.Field f) {
    return f.bits() == 64 ? "a u64" : "a u32 (0.." + f.max() + ")";
  }

  private static Value value(Cursor c, Opcode op, RequestFields.Field f) {
    String whose = " for " + op + "'s " + f.name();
    switch (f.kind()) {
      case STRING: {
        Token t = c.expect(Token.Kind.STRING, "a string like \"user.a\"" + whose);
        return new Value.Str(t.pos(), t.value());
      }
      case INT:
      case OCTAL: {
        Token t = c.peek();
        Value.Int i = Values.integer(c, (f.kind() == RequestFields.Kind.OCTAL ? "a mode like 0644" : "a number")
            + whose);
        checkRange(c, t, f, i.value(), whose);
        return i;
      }
      case ENUM: {
        Token t = c.peek();
        String expected = "one of " + String.join(", ", f.vocab().spellings()) + " or a number" + whose;
        if (t.is(Token.Kind.WORD) && f.vocab().value(t.text()).isPresent()) {
          c.next();
          return new Value.Sym(t.pos(), t.text());
        }
        Optional<Long> n = t.is(Token.Kind.WORD) ? Values.parseInteger(t.text()) : Optional.empty();
        if (n.isEmpty()) {
          throw c.fail(expected);
        }
        checkRange(c, t, f, n.get(), whose);
        c.next();
        return new Value.Int(t.pos(), n.get(), t.text());
      }
      default: {
        Token first = c.peek();
        List<String> terms = new ArrayList<>();
        long value = term(c, f, whose, terms);
        while (c.at(Token.Kind.PIPE)) {
          c.next();
          value |= term(c, f, whose, terms);
        }
        return new Value.Flags(first.pos(), value, terms);
      }
    }
  }

  private static long term(Cursor c, RequestFields.Field f, String whose, List<String> terms) {
    Token t = c.peek();
    String expected = f.vocab().what() + " (" + String.join(", ", f.vocab().spellings()) + ") or a number"
        + whose;
    Optional<Long> v = Optional.empty();
    if (t.is(Token.Kind.WORD)) {
      v = f.vocab().value(t.text()).or(() -> Values.parseInteger(t.text()));
    }
    if (v.isEmpty()) {
      throw c.fail(expected);
    }
    checkRange(c, t, f, v.get(), whose);
    c.next();
    terms.add(t.text());
    return v.get();
  }

  private static void checkRange(Cursor c, Token t, RequestFields.Field f, long v, String whose) {
    if (!f.inRange(v) || (f.bits() == 64 && t.text().startsWith("-"))) {
      throw new TraceSyntaxError(c.file(), t.pos(), width(f) + whose, t.text() + " (out of range)");
    }
  }
}
