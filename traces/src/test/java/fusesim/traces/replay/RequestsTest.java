package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Comparing observed requests with their fields. */
class RequestsTest {
  @Test
  void unwrittenFieldsAreNotCompared() {
    assertThat(Requests.matches(List.of("OPEN(10)"), List.of("OPEN(10,flags=O_RDONLY|O_LARGEFILE,open_flags=0)")))
        .isTrue();
    assertThat(Requests.matches(List.of("LOOKUP(1,\"a\")"), List.of("LOOKUP(1,\"b\")"))).isFalse();
  }

  @Test
  void writtenFieldsMustBeThereAndEqual() {
    List<String> got = List.of("SETATTR(10,valid=SIZE|LOCKOWNER|FH,fh=1,size=0)");
    assertThat(Requests.matches(List.of("SETATTR(10,valid=SIZE|LOCKOWNER|FH)"), got)).isTrue();
    assertThat(Requests.matches(List.of("SETATTR(10,valid=SIZE|LOCKOWNER)"), got)).isFalse();
    assertThat(Requests.matches(List.of("SETATTR(10,mode=0100644)"), got)).isFalse(); // not sent: MODE clear
  }

  @Test
  void namesWithCommasAndEqualsStayInTheBase() {
    assertThat(Requests.base("LOOKUP(1,\"a,b=c\")")).isEqualTo("LOOKUP(1,\"a,b=c\")");
    assertThat(Requests.base("GETXATTR(10,name=\"user.x,y\",size=0)")).isEqualTo("GETXATTR(10)");
    assertThat(Requests.covers("GETXATTR(10,name=\"user.x,y\")", "GETXATTR(10,name=\"user.x,y\",size=0)")).isTrue();
  }

  @Test
  void modelAndKernelAgreeOnAllButTheServersFh() {
    assertThat(Requests.agree(List.of("FLUSH(10,fh=1)"), List.of("FLUSH(10,fh=7)"))).isTrue();
    assertThat(Requests.matches(List.of("FLUSH(10,fh=1)"), List.of("FLUSH(10,fh=7)"))).isFalse();
    assertThat(Requests.agree(List.of("OPEN(10,flags=O_RDONLY)"), List.of("OPEN(10,flags=O_RDONLY|O_LARGEFILE)")))
        .isFalse();
    assertThat(Requests.fieldDifferences(List.of("OPEN(10,flags=O_RDONLY)", "FORGET(10,1)"),
        List.of("FORGET(10,1)", "OPEN(10,flags=O_RDONLY|O_LARGEFILE,open_flags=0)")))
        .containsExactly("OPEN.flags model=O_RDONLY kernel=O_RDONLY|O_LARGEFILE");
  }

  @Test
  void forgetsStayAMultiset() {
    assertThat(Requests.matches(List.of("FORGET(10,1)", "LOOKUP(1,\"a\")"),
        List.of("LOOKUP(1,\"a\")", "FORGET(10,1)"))).isTrue();
  }
}
