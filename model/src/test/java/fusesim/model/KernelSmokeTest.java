package fusesim.model;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.fuse.BackingMap;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Request;
import fusesim.model.series.Semantics;
import fusesim.model.vfs.SyscallTable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The model driven through its API, without traces: the TRACE-FORMAT whole example. */
class KernelSmokeTest {
  private final Kernel k = new Kernel(Semantics.MAINLINE, Faults.none());

  private SysResult call(String name, Object... args) {
    k.start(SyscallTable.make(k.threads.get("T1"), name, List.of(args)));
    UserThread t = k.threads.get("T1");
    assertThat(t.task).as("T1 blocked in " + name).isNull();
    return t.lastResult;
  }

  private String requests() {
    // the requests without their in-struct fields (RequestFieldsTest checks those)
    String s = k.log.stream().map(Request::observable).map(o -> o.replaceAll(",[a-z_]+=[^,)]*", ""))
        .collect(Collectors.joining(" "));
    k.log.clear();
    return s;
  }

  @Test
  void passthroughThenCached() {
    MountConfig m = new MountConfig();
    m.passthrough = true;
    k.lower.add("/a", Lower.S_IFREG | 0644, 10).size = 4096;
    k.mount(m);
    assertThat(k.fc.passthrough).isTrue();
    int id = k.backing.devIocBackingOpen(BackingMap.of(k.lower.resolve("/a")), 0);
    assertThat(id).isEqualTo(1);
    k.server.policy(Opcode.OPEN, "/a", new ReplySpec(ReplySpec.Kind.OPEN, 0,
        Map.of("open_flags", (long) Iomode.FOPEN_PASSTHROUGH, "backing", 1L), false, null));
    assertThat(call("open", "/a", 0L).value()).isEqualTo(3);
    assertThat(call("read", 3L, 4096L).value()).isEqualTo(4096);
    assertThat(requests()).isEqualTo("LOOKUP(1,\"a\") OPEN(10)");
    FuseInode fi = k.inodeHash.get(10L);
    assertThat(fi.iocachectr).isEqualTo(-1);
    assertThat(fi.fb.count).isEqualTo(2);

    k.server.policy(Opcode.OPEN, "/a", new ReplySpec(ReplySpec.Kind.OPEN, 0,
        Map.of("open_flags", (long) Iomode.FOPEN_KEEP_CACHE), false, null));
    assertThat(call("open", "/a", 0L).display()).isEqualTo("-1 EIO");
    assertThat(requests()).isEqualTo("OPEN(10) RELEASE(10)");
    assertThat(call("close", 3L).value()).isZero();
    assertThat(requests()).isEqualTo("FLUSH(10) RELEASE(10)");
    assertThat(fi.iocachectr).isZero();
    assertThat(fi.fb).isNull();
    assertThat(call("open", "/a", 0L).value()).isEqualTo(3);
    assertThat(fi.iocachectr).isEqualTo(1);
    assertThat(k.findings).isEmpty();
  }

  @Test
  void heldLookupBlocksUntilReplied() {
    k.lower.add("/a", Lower.S_IFREG | 0644, 10);
    k.mount(new MountConfig());
    k.server.hold(Opcode.LOOKUP, "/a");
    k.start(SyscallTable.make(k.threads.get("T1"), "stat", List.of("/a")));
    assertThat(k.threads.get("T1").task).isNotNull();
    assertThat(k.threads.get("T1").task.blockedOnRequest()).isTrue();
    k.serverReply("T1", Opcode.LOOKUP, null);
    assertThat(k.threads.get("T1").task).isNull();
    assertThat(k.threads.get("T1").lastResult.fields()).containsEntry("ino", 10L);
  }
}
