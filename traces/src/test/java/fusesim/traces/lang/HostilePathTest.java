package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Paths that could lead out of the oracle's directories are refused by the parser, at their
 * position, for the model and the kernel alike: {@code ..}, {@code .}, empty components, relative
 * paths, NUL, over-long paths. Symlink targets are data and are not refused here (the kernel
 * oracle refuses following one that leads out, kernel/README.md).
 */
class HostilePathTest {
  private static final String HEAD = "trace: t\nresult: pass\nmount passthrough\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "lower dotdot | lower file /../x | 4:12 | \"/../x\" (a path with a \"..\" component)",
      "lower dotdot deep | lower dir /d/../../etc | 4:11 | a \"..\" component",
      "lower dot | lower file /./x | 4:12 | a \".\" component",
      "lower empty component | lower file //x | 4:12 | an empty component",
      "lower trailing slash | lower dir /d/ | 4:11 | an empty component",
      "lower link target escapes | lower link /b -> /../../etc/passwd | 4:18 | a \"..\" component",
      "server path | server lookup /../a EIO | 4:15 | a \"..\" component",
      "backing mount target | server backing_open mount:/../a = 1 | 4:27 | a \"..\" component",
      "syscall dotdot | T1 stat(\"/../../etc/shadow\") = 0 | 4:9 | string \"/../../etc/shadow\" (a path with a \"..\" component)",
      "syscall relative | T1 chmod(\"etc/shadow\", 0777) = 0 | 4:10 | a relative path",
      "syscall NUL | T1 open(\"/a\\0/b\", O_RDONLY) = 3 | 4:9 | a NUL character",
      "expect path | expect inode /.. iocachectr=0 | 4:14 | a \"..\" component",
  })
  void hostilePathsAreRefusedWhereTheyAre(String what, String line, String pos, String found) {
    assertThatThrownBy(() -> TraceParser.parse("h.trace", HEAD + line + "\n"))
        .isInstanceOf(TraceSyntaxError.class)
        .hasMessageStartingWith("h.trace:" + pos + ": expected " + TracePaths.EXPECTED + ", found ")
        .hasMessageContaining(found);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "root | T1 stat(\"/\") = 0",
      "empty syscall path | T1 stat(\"\") = -1 ENOENT",
      "dots inside names | lower file /a..b",
      "hidden name | lower file /.a",
      "symlink target with dotdot is data | T1 symlink(\"../../etc\", \"/l\") = 0",
  })
  void plainPathsStillParse(String what, String line) {
    assertThat(TraceParser.parse("h.trace", HEAD + line + "\n").body()).hasSize(2);
  }

  @org.junit.jupiter.api.Test
  void aPathOverTheLengthLimitIsRefusedNamingTheLimit() {
    String p = "/" + "a".repeat(TracePaths.MAX_LENGTH);
    assertThatThrownBy(() -> TraceParser.parse("h.trace", HEAD + "lower file " + p + "\n"))
        .hasMessageContaining("over the limit of " + TracePaths.MAX_LENGTH);
  }
}
