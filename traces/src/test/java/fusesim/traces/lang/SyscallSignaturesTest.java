package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.vfs.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The trace language's syscall signatures ({@link Syscall}) against the model's one list
 * ({@link SyscallTable}): the same names, the same number of required arguments, and each
 * argument of the same kind (a path, target or mapping name is a string, the rest numbers).
 * Adding a syscall to the table without its parser signature, or the other way round, fails here.
 */
class SyscallSignaturesTest {
  /** Syscalls the language has for the kernel oracle that the model refuses (NotModelled). */
  static final Set<Syscall> KERNEL_ONLY = Set.of();

  static SyscallTable.Arg modelKind(ArgKind k) {
    return k == ArgKind.PATH || k == ArgKind.TARGET || k == ArgKind.MAP || k == ArgKind.XNAME
        || k == ArgKind.TIMES // utimensat's times reach the model encoded (ModelCalls)
        ? SyscallTable.Arg.STR : SyscallTable.Arg.NUM;
  }

  /** What differs between the two lists; empty when they agree. */
  static List<String> differences(List<Syscall> language, List<SyscallTable.Entry> table) {
    List<String> out = new ArrayList<>();
    for (Syscall s : language) {
      SyscallTable.Entry e = table.stream().filter(x -> x.name().equals(s.word())).findFirst()
          .orElse(null);
      if (KERNEL_ONLY.contains(s)) {
        if (e != null) {
          out.add(s.word() + ": in the model's table but listed as kernel-only here");
        }
        continue;
      }
      if (e == null) {
        out.add(s.word() + ": the parser accepts it, the model's table lacks it");
        continue;
      }
      List<SyscallTable.Arg> kinds = s.args().stream().map(SyscallSignaturesTest::modelKind).toList();
      if (!kinds.equals(e.args()) || s.requiredArgs() != e.required()) {
        out.add(s.word() + ": parser " + kinds + " (" + s.requiredArgs() + " required), table "
            + e.args() + " (" + e.required() + " required)");
      }
    }
    for (SyscallTable.Entry e : table) {
      if (language.stream().noneMatch(s -> s.word().equals(e.name()))) {
        out.add(e.name() + ": in the model's table, the parser has no signature for it");
      }
    }
    return out;
  }

  @Test
  void theParsersSignaturesAreTheModelsTable() {
    assertThat(SyscallTable.entries()).hasSizeGreaterThan(30);
    assertThat(differences(List.of(Syscall.values()), SyscallTable.entries())).isEmpty();
  }

  @Test
  void aSyscallMissingOnEitherSideOrOfAnotherShapeIsReported() {
    List<SyscallTable.Entry> table = new ArrayList<>(SyscallTable.entries());
    table.removeIf(e -> e.name().equals("dup"));
    table.replaceAll(e -> e.name().equals("close")
        ? new SyscallTable.Entry("close", 1, List.of(SyscallTable.Arg.STR), e.factory()) : e);
    table.add(new SyscallTable.Entry("splice", 0, List.of(), null));
    assertThat(differences(List.of(Syscall.values()), table)).containsExactly(
        "close: parser [NUM] (1 required), table [STR] (1 required)",
        "dup: the parser accepts it, the model's table lacks it",
        "splice: in the model's table, the parser has no signature for it");
  }
}
