package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.kernel.sys.Beneath;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.MountEntry;
import fusesim.kernel.sys.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lower tree, which the oracle builds and serves as root from an untrusted trace, never leads
 * out of its root: symbolic links planted in it (as a SYMLINK request would make them) are not
 * followed, {@code ..} is refused, and nothing outside is created or changed. No /dev/fuse needed:
 * the tree is a plain directory. Each case runs with openat2 and with the lstat walk that replaces
 * it on kernels without openat2.
 */
class LowerTreeSandboxTest {
  @TempDir
  Path dir;

  private Path root;
  private Path outside;
  private LowerTree tree;
  private java.util.Set<java.nio.file.attribute.PosixFilePermission> canaryMode;

  @BeforeEach
  void tree() throws IOException {
    Assumptions.assumeTrue(Libc.loadProblem() == null, "no libc through JNA: " + Libc.loadProblem());
    root = Files.createDirectory(dir.resolve("lower"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("canary"), "canary");
    canaryMode = Files.getPosixFilePermissions(outside.resolve("canary"));
    tree = new LowerTree(root);
    // what a trace's symlink("/abs/outside", "/out") and symlink("../outside", "/up") leave in the tree
    Files.createSymbolicLink(root.resolve("out"), outside);
    Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
    Files.createDirectory(root.resolve("d"));
    Files.createSymbolicLink(root.resolve("d").resolve("back"), Path.of(".."));
  }

  @AfterEach
  void openat2Again() {
    Beneath.forceWalk(false);
  }

  @ParameterizedTest(name = "lstat walk {0}")
  @ValueSource(booleans = {false, true})
  void nothingIsCreatedThroughAPlantedLink(boolean walk) throws IOException {
    Beneath.forceWalk(walk);
    for (String p : List.of("/out/x", "/up/x", "/d/back/up/x")) {
      assertThatThrownBy(() -> tree.file(p, 10, 0644, 0, 0, null)).isInstanceOf(Beneath.Escape.class)
          .hasMessageContaining("symbolic link");
      assertThatThrownBy(() -> tree.dir(p, 0755, 0, 0, null)).isInstanceOf(Beneath.Escape.class);
      assertThatThrownBy(() -> tree.link(p, "/d")).isInstanceOf(Beneath.Escape.class);
    }
    assertThatThrownBy(() -> tree.link("/l", "/out/canary")).isInstanceOf(Beneath.Escape.class);
    assertOutsideUntouched();
  }

  @ParameterizedTest(name = "lstat walk {0}")
  @ValueSource(booleans = {false, true})
  void aLinkAsLastComponentIsNotFollowedWhereTheOperationWouldFollowIt(boolean walk) throws IOException {
    Beneath.forceWalk(walk);
    // lstat-like uses of the link itself are fine
    assertThat(tree.real("/out")).isEqualTo(root + "/out");
    // open, chmod, truncate, writing, listing would follow it
    assertThatThrownBy(() -> tree.realFollowed("/out")).isInstanceOf(Beneath.Escape.class);
    assertThatThrownBy(() -> tree.file("/out", 10, 0644, 0, 0, null)).isInstanceOf(Beneath.Escape.class);
    assertOutsideUntouched();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/../outside/x", "/d/../../outside", "/./x", "//x", "relative", "/d/"})
  void pathsThatAreNotPlainAreRefused(String p) {
    assertThatThrownBy(() -> tree.real(p)).isInstanceOf(Beneath.Escape.class).hasMessageContaining("refused");
  }

  @ParameterizedTest(name = "lstat walk {0}")
  @ValueSource(booleans = {false, true})
  void plainPathsStillWork(boolean walk) throws IOException {
    Beneath.forceWalk(walk);
    tree.dir("/d/e", 0755, 0, 0, null);
    tree.file("/d/e/f", 26, 0644, 0, 0, null);
    tree.link("/d/g", "/d/e/f");
    assertThat(Files.readString(root.resolve("d/e/f"))).isEqualTo("abcdefghijklmnopqrstuvwxyz");
    assertThat(Files.isSameFile(root.resolve("d/g"), root.resolve("d/e/f"))).isTrue();
    assertThat(tree.realFollowed("/d/e/f")).isEqualTo(root + "/d/e/f");
    assertOutsideUntouched();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0777", "0703"})
  void aWorldWritableBaseWithoutStickyBitIsRefused(String mode) throws IOException {
    Path base = Files.createDirectory(dir.resolve("base"));
    Libc.chmod(base.toString(), Integer.parseInt(mode, 8));
    assertThat(Mounts.unsafeBase(base, List.of())).contains("world-writable without the sticky bit");
    Libc.chmod(base.toString(), Integer.parseInt(mode, 8) | 01000);
    assertThat(Mounts.unsafeBase(base, List.of())).isNull();
  }

  @org.junit.jupiter.api.Test
  void aBaseOnAFuseMountOrThroughALinkIsRefused() throws IOException {
    Path base = Files.createDirectory(dir.resolve("base"));
    List<MountEntry> mounts = List.of(new MountEntry(1, 0, 1, "/", "ext4", "/dev/sda"),
        new MountEntry(2, 0, 40, dir.toString(), "fuse.fusesim", "fusesim"));
    assertThat(Mounts.unsafeBase(base, mounts)).contains("is on a FUSE mount (fuse.fusesim at " + dir + ")");
    assertThat(Mounts.unsafeBase(base, List.of(new MountEntry(1, 0, 1, "/", "ext4", "/dev/sda")))).isNull();
    Path link = Files.createSymbolicLink(dir.resolve("link"), base);
    assertThat(Mounts.unsafeBase(link, List.of())).contains("is a symbolic link");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void assertOutsideUntouched() throws IOException {
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("canary");
    }
    assertThat(Files.readString(outside.resolve("canary"))).isEqualTo("canary");
    assertThat(Files.getPosixFilePermissions(outside.resolve("canary"))).isEqualTo(canaryMode);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("lower", "outside");
    }
  }
}
