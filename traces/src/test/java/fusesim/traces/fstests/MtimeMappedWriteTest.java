package fusesim.traces.fstests;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.invariants.Checker;
import fusesim.invariants.SeriesInvariants;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * MTIME-MAPPED-WRITE (fstests generic/080, 215) checked alone, so that it is its own verdict and not
 * ATTR-COHERENCE's: it holds on the v2 trace and breaks at the stat after the store when stat
 * serves cached attributes (the planted getattr-serves-cache-first).
 */
class MtimeMappedWriteTest {
  private static final Path TRACE =
      Path.of("corpus", "v2", "fstests-080-mmap-write-mtime-from-backing.trace");
  private static final Checker ONLY = new Checker(List.of(SeriesInvariants.MTIME_MAPPED_WRITE));

  private static ModelReplay.Result replay(Set<Fault> faults) throws IOException {
    var trace = TraceParser.parse(TRACE.toString(), Files.readString(TRACE));
    return new ModelReplay(trace, new Faults(faults), ONLY).run();
  }

  @Test
  void holdsWhenStatReadsTheBackingInode() throws IOException {
    assertThat(replay(Set.of()).violation()).isNull();
  }

  @Test
  void breaksAtTheStatAfterTheStoreWhenStatServesTheCache() throws IOException {
    ModelReplay.Result r = replay(Set.of(Fault.GETATTR_SERVES_CACHE_FIRST));
    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isSameAs(SeriesInvariants.MTIME_MAPPED_WRITE);
    assertThat(r.violationLine()).isEqualTo(22);
    assertThat(r.violation().detail()).contains("mtime=0 ctime=0");
  }
}
