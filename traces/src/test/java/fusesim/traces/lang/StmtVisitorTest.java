package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Stmt#accept} calls exactly its own record's method of {@link StmtVisitor}, and the visitor
 * has one method per record of the sealed hierarchy (so a new record without its method, or one
 * wired to another kind's method, fails here as well as at compile time).
 */
class StmtVisitorTest {
  /** One statement of every kind (GRAMMAR.md's examples). */
  private static final String EVERY_KIND = String.join("\n",
      "trace: every-kind",
      "result: pass",
      "",
      "mount passthrough",
      "lower file /a ino=10",
      "lower link /b -> /a",
      "lower unlink /b",
      "lower write /a offset=0 \"HELLO\"",
      "lower set /a size=8192",
      "thread T2 uid=1000 gid=1000",
      "server lookup /a entry ino=10",
      "server hold lookup /a",
      "server unhold lookup",
      "server reply T2 lookup entry ino=10",
      "server backing_open /a = 1",
      "server backing_close 1 = 0",
      "server like passthrough_hp",
      "server crash",
      "server fault lookup bad_length",
      "server notify inval_entry /a",
      "T1 open(\"/a\", O_RDONLY) = 3",
      "T1 stat(\"/a\" <unfinished ...>",
      "T1 <... stat resumed>) = 0",
      "tick 2s",
      "evict /a",
      "drop_caches",
      "umount",
      "expect requests LOOKUP(1,\"a\")",
      "expect no READ",
      "expect inode /a iocachectr=-1",
      "expect backing 1 refcount=2",
      "expect file 3 iomode=uncached",
      "expect conn passthrough=1",
      "");

  /** A visitor that answers with the name of the method called. */
  @SuppressWarnings("unchecked")
  private static StmtVisitor<String> naming() {
    return (StmtVisitor<String>) Proxy.newProxyInstance(StmtVisitor.class.getClassLoader(),
        new Class<?>[] {StmtVisitor.class}, (proxy, m, args) -> m.getName());
  }

  private static void records(Class<?> c, Set<String> out) {
    if (c.isRecord()) {
      out.add(c.getSimpleName());
    }
    Class<?>[] subs = c.getPermittedSubclasses();
    if (subs != null) {
      for (Class<?> s : subs) {
        records(s, out);
      }
    }
  }

  @Test
  void acceptCallsTheRecordsOwnMethod() {
    List<Stmt> body = TraceParser.parse("every-kind.trace", EVERY_KIND).body();
    StmtVisitor<String> v = naming();
    List<String> wrong = new ArrayList<>();
    for (Stmt s : body) {
      String called = s.accept(v);
      if (!called.equals("visit" + s.getClass().getSimpleName())) {
        wrong.add(s.getClass().getSimpleName() + " -> " + called);
      }
    }
    assertThat(wrong).isEmpty();
    Set<String> kinds = new TreeSet<>();
    body.forEach(s -> kinds.add(s.getClass().getSimpleName()));
    Set<String> all = new TreeSet<>();
    records(Stmt.class, all);
    assertThat(kinds).as("the test trace has every kind of statement").isEqualTo(all);
  }

  @Test
  void theVisitorHasOneMethodPerRecordAndNoDefault() {
    Set<String> all = new TreeSet<>();
    records(Stmt.class, all);
    assertThat(all).hasSize(30).contains("Call", "Unfinished", "Resumed", "ExpectConn");
    Set<String> methods = new TreeSet<>();
    for (Method m : StmtVisitor.class.getDeclaredMethods()) {
      assertThat(m.isDefault()).as(m.getName() + " is abstract").isFalse();
      methods.add(m.getName().replaceFirst("^visit", ""));
    }
    assertThat(methods).isEqualTo(all);
  }
}
