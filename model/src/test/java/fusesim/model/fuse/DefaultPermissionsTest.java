package fusesim.model.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.MountConfig;
import fusesim.model.SysResult;
import fusesim.model.UserThread;
import fusesim.model.series.Semantics;
import fusesim.model.vfs.SyscallTable;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Dir.Permission (fuse_permission() with default_permissions) through the model's API: what is
 * refused, and the GETATTRs fuse_perm_getattr() sends; the same calls without the option as the
 * negative control.
 */
class DefaultPermissionsTest {
  private final Kernel k = new Kernel(Semantics.MAINLINE, Faults.none());

  private void mount(boolean defaultPermissions) {
    node(k.lower.add("/d", Lower.S_IFDIR | 0700, 20), 0);
    node(k.lower.add("/d/f", Lower.S_IFREG | 0644, 21), 0);
    node(k.lower.add("/t", Lower.S_IFDIR | 01777, 30), 0);
    node(k.lower.add("/t/root", Lower.S_IFREG | 0644, 31), 0);
    node(k.lower.add("/home", Lower.S_IFDIR | 0755, 40), 1000);
    MountConfig m = new MountConfig();
    m.defaultPermissions = defaultPermissions;
    k.mount(m);
    k.addThread("T2", 1000, 1000);
  }

  private static void node(Lower.Node n, int owner) {
    n.uid = owner;
    n.gid = owner;
  }

  private String call(String thread, String name, Object... args) {
    UserThread t = k.threads.get(thread);
    k.start(SyscallTable.make(t, name, List.of(args)));
    assertThat(t.task).as(thread + " blocked in " + name).isNull();
    SysResult r = t.lastResult;
    return r.display();
  }

  private String requests() {
    String s = k.log.stream().map(Request::observable).map(o -> o.replaceAll(",[a-z_]+=[^,)]*", ""))
        .collect(Collectors.joining(" "));
    k.log.clear();
    return s;
  }

  @Test
  void searchIsRefusedAfterAGetattrOfTheStaleRootAndARetryGetattr() {
    mount(true);
    assertThat(call("T2", "stat", "/d/f")).isEqualTo("-1 EACCES");
    assertThat(requests()).isEqualTo("GETATTR(1) LOOKUP(1,\"d\") GETATTR(20)");
    assertThat(call("T1", "stat", "/d/f")).startsWith("0");
    assertThat(requests()).isEqualTo("LOOKUP(20,\"f\")");
  }

  @Test
  void withoutTheOptionNothingIsCheckedAndNoGetattrIsSent() {
    mount(false);
    assertThat(call("T2", "stat", "/d/f")).startsWith("0");
    assertThat(requests()).isEqualTo("LOOKUP(1,\"d\") LOOKUP(20,\"f\")");
    assertThat(call("T2", "access", "/d", 1L)).isEqualTo("0");
    assertThat(requests()).isEqualTo("ACCESS(20)");
  }

  @Test
  void accessIsAnsweredByGenericPermissionNotByAnAccessRequest() {
    mount(true);
    assertThat(call("T2", "access", "/home", 2L)).isEqualTo("0");
    assertThat(requests()).isEqualTo("GETATTR(1) LOOKUP(1,\"home\")");
    assertThat(call("T2", "access", "/d", 1L)).isEqualTo("-1 EACCES");
    assertThat(requests()).isEqualTo("LOOKUP(1,\"d\") GETATTR(20)");
  }

  @Test
  void mkdirNeedsWriteAndSearchOnTheDirectory() {
    mount(true);
    assertThat(call("T2", "mkdir", "/d2", 0755L)).isEqualTo("-1 EACCES");
    assertThat(requests()).isEqualTo("GETATTR(1) LOOKUP(1,\"d2\") GETATTR(1)");
    assertThat(call("T1", "mkdir", "/d2", 0755L)).isEqualTo("0");
    assertThat(requests()).isEqualTo("LOOKUP(1,\"d2\") MKDIR(1,\"d2\")");
  }

  @Test
  void truncateNeedsWriteOnTheFileButNotOnTheDirectory() {
    mount(true);
    node(k.lower.add("/home/mine", Lower.S_IFREG | 0600, 41), 1000);
    assertThat(call("T2", "truncate", "/t/root", 0L)).isEqualTo("-1 EACCES");
    assertThat(requests()).isEqualTo("GETATTR(1) LOOKUP(1,\"t\") LOOKUP(30,\"root\") GETATTR(31)");
    assertThat(call("T2", "truncate", "/home/mine", 0L)).isEqualTo("0");
    assertThat(requests()).endsWith("SETATTR(41)");
  }

  @Test
  void theStickyBitKeepsOthersFromUnlinkingEvenWithWriteOnTheDirectory() {
    mount(true);
    assertThat(call("T2", "unlink", "/t/root")).isEqualTo("-1 EPERM");
    assertThat(requests()).isEqualTo("GETATTR(1) LOOKUP(1,\"t\") LOOKUP(30,\"root\")");
    assertThat(call("T1", "unlink", "/t/root")).isEqualTo("0");
    assertThat(requests()).isEqualTo("UNLINK(30,\"root\") FORGET(31,1)");
  }
}
