package fusesim.cli.spec;

import java.util.List;

/**
 * The error table of the review document: for each failure the model implements, the situation,
 * the kernel function where the errno arises, the errno inside the kernel, and what the syscall or
 * ioctl returns to the user. Every row carries a tiny scenario; {@code SpecErrorTableTest} replays
 * each one on the model and checks both errnos, so the table cannot drift from the model.
 */
public final class ErrorTable {
  private ErrorTable() {}

  /**
   * How the errno inside the kernel is checked: {@code NOTE}: the model's pr_debug note of the
   * failure records {@code err=-N} (fuse_file_io_open, the lifetime attach); {@code DIRECT}: the
   * function's errno is what the syscall or ioctl returns, so the checked result is both.
   */
  public enum Check { NOTE, DIRECT }

  /**
   * One row.
   *
   * @param id a short name (the scenario's trace name is {@code err-ID})
   * @param situation what happens, in one line
   * @param semantics the semantics the row holds under ({@code mainline}, {@code v2})
   * @param assumes {@code ID=CHOICE} choices the row depends on (non-default only)
   * @param function the kernel function that produces the errno
   * @param inside the errno inside the kernel (the function's return)
   * @param user what the user sees
   * @param check how {@code inside} is verified
   * @param body the scenario's statements; its last syscall or ioctl states {@code = -1 USER}
   */
  public record Row(String id, String situation, String semantics, List<String> assumes,
      String function, String inside, String user, Check check, String body) {
    /** The scenario as a trace. */
    public String trace() {
      StringBuilder b = new StringBuilder("trace: err-" + id + "\nsemantics: " + semantics + "\n");
      for (String a : assumes) {
        b.append("assume: ").append(a).append('\n');
      }
      return b.append("result: pass\n\n").append(body).toString();
    }

    /** The semantics and choices, e.g. {@code v2 A4=propagate}. */
    public String under() {
      return assumes.isEmpty() ? semantics : semantics + " " + String.join(" ", assumes);
    }
  }

  private static final String PT = "mount passthrough max_stack_depth=1\n"
      + "lower file /a ino=10 mode=0644 size=4096\n";
  private static final String INO = "mount passthrough passthrough_ino max_stack_depth=1\n"
      + "lower file /a ino=10 mode=0644 size=4096\n";

  private static Row row(String id, String situation, String sem, List<String> assumes, String fn,
      String inside, String user, Check check, String body) {
    return new Row(id, situation, sem, assumes, fn, inside, user, check, body);
  }

  public static final List<Row> ROWS = List.of(
      row("pt-keep-cache", "OPEN reply FOPEN_PASSTHROUGH with FOPEN_KEEP_CACHE (outside "
          + "FOPEN_PASSTHROUGH_MASK)", "mainline", List.of(), "fuse_file_passthrough_open",
          "EINVAL", "EIO", Check.NOTE, PT
          + "server backing_open /a = 1\n"
          + "server open /a passthrough,keep_cache backing=1\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("pt-not-negotiated", "OPEN reply FOPEN_PASSTHROUGH on a connection without passthrough",
          "mainline", List.of(), "fuse_file_passthrough_open", "EINVAL", "EIO", Check.NOTE,
          "mount\nlower file /a ino=10 mode=0644 size=4096\n"
          + "server open /a passthrough backing=1\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("pt-id-zero", "OPEN reply FOPEN_PASSTHROUGH with backing_id 0", "mainline", List.of(),
          "fuse_passthrough_open", "EINVAL", "EIO", Check.NOTE, PT
          + "server open /a passthrough backing=0\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("pt-id-unknown", "OPEN reply FOPEN_PASSTHROUGH with an unregistered backing_id",
          "mainline", List.of(), "fuse_passthrough_open", "ENOENT", "EIO", Check.NOTE, PT
          + "server open /a passthrough backing=9999\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("pt-after-cached", "passthrough open while the inode has a cached open", "mainline",
          List.of(), "fuse_inode_uncached_io_start", "ETXTBSY", "EIO", Check.NOTE, PT
          + "server backing_open /a = 1\n"
          + "T1 open(\"/a\", O_RDONLY) = 3\n"
          + "server open /a passthrough backing=1\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("pt-other-backing", "passthrough open naming another backing than the inode's",
          "mainline", List.of(), "fuse_inode_uncached_io_start", "EBUSY", "EIO", Check.NOTE, PT
          + "lower file /b ino=11 mode=0644 size=4096\n"
          + "server backing_open /a = 1\n"
          + "server backing_open /b = 2\n"
          + "server open /a passthrough backing=1\n"
          + "T1 open(\"/a\", O_RDONLY) = 3\n"
          + "server open /a passthrough backing=2\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("cached-after-pt", "cached (or direct io) open while the inode has a passthrough open",
          "mainline", List.of(), "fuse_file_io_open", "EINVAL", "EIO", Check.NOTE, PT
          + "server backing_open /a = 1\n"
          + "server open /a passthrough backing=1\n"
          + "T1 open(\"/a\", O_RDONLY) = 3\n"
          + "server open /a keep_cache\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"),
      row("backing-open-no-pt", "BACKING_OPEN on a connection without passthrough", "mainline",
          List.of(), "fuse_backing_open", "EPERM", "EPERM", Check.DIRECT,
          "mount\nlower file /a ino=10 mode=0644 size=4096\n"
          + "server backing_open /a = -1 EPERM\n"),
      row("backing-open-flags", "BACKING_OPEN with nonzero flags", "mainline", List.of(),
          "fuse_backing_open", "EINVAL", "EINVAL", Check.DIRECT, PT
          + "server backing_open /a flags=1 = -1 EINVAL\n"),
      row("backing-open-bad-fd", "BACKING_OPEN of a bad fd", "mainline", List.of(),
          "fuse_backing_open", "EBADF", "EBADF", Check.DIRECT, PT
          + "server backing_open fd=-1 = -1 EBADF\n"),
      row("backing-open-dir", "BACKING_OPEN of a directory", "mainline", List.of(),
          "fuse_backing_open", "EISDIR", "EISDIR", Check.DIRECT,
          "mount passthrough max_stack_depth=1\nlower dir /d ino=20\n"
          + "server backing_open /d = -1 EISDIR\n"),
      row("backing-open-stacked", "BACKING_OPEN of a file on the same FUSE mount (stack depth)",
          "mainline", List.of(), "fuse_backing_open", "ELOOP", "ELOOP", Check.DIRECT, PT
          + "server backing_open mount:/a = -1 ELOOP\n"),
      row("backing-close-unknown", "BACKING_CLOSE of an id that is not registered", "mainline",
          List.of(), "fuse_backing_close", "ENOENT", "ENOENT", Check.DIRECT, PT
          + "server backing_close 7 = -1 ENOENT\n"),
      row("backing-close-zero", "BACKING_CLOSE of id 0", "mainline", List.of(),
          "fuse_backing_close", "EINVAL", "EINVAL", Check.DIRECT, PT
          + "server backing_close 0 = -1 EINVAL\n"),
      row("lookup-mode-0", "LOOKUP reply with invalid attributes (mode 0)", "mainline", List.of(),
          "fuse_lookup_name", "EIO", "EIO", Check.DIRECT,
          "mount\nlower file /a ino=10 mode=0644 size=4096\n"
          + "server lookup /a entry ino=10 mode=0\n"
          + "T1 stat(\"/a\") = -1 EIO\n"),
      row("dio-shared-mmap", "MAP_SHARED mmap of a FOPEN_DIRECT_IO file without "
          + "direct_io_allow_mmap", "mainline", List.of(), "fuse_file_mmap", "ENODEV", "ENODEV",
          Check.DIRECT, PT
          + "server open /a direct_io\n"
          + "T1 open(\"/a\", O_RDONLY) = 3\n"
          + "T1 mmap(3, PROT_READ, MAP_SHARED) = -1 ENODEV\n"),
      row("bad-inode", "read on an fd whose inode went bad (the server changed its generation)",
          "mainline", List.of(), "fuse_file_read_iter (fuse_is_bad)", "EIO", "EIO", Check.DIRECT,
          "mount\nlower file /a ino=10 mode=0644 size=4096\n"
          + "server lookup /a entry ino=10 entry_valid=0\n"
          + "T1 open(\"/a\", O_RDONLY) = 3\n"
          + "server lookup /a entry ino=10 generation=2\n"
          + "T1 stat(\"/a\") = 0 {ino=10}\n"
          + "T1 pread(3, 100, 0) = -1 EIO\n"),
      row("v2-ops-invalid", "BACKING_OPEN with an ops_mask bit outside the valid ops", "v2",
          List.of(), "fuse_backing_open", "EINVAL", "EINVAL", Check.DIRECT, PT
          + "server backing_open /a ops=0x1 = -1 EINVAL\n"),
      row("v2-lookup-no-getattr", "LOOKUP names a lifetime backing whose ops_mask lacks GETATTR",
          "v2", List.of(), "fuse_inode_set_passthrough (lookup attach)", "EOPNOTSUPP", "EIO",
          Check.NOTE, INO
          + "server backing_open /a ops=read,write = 1\n"
          + "server lookup /a entry ino=10 backing=1\n"
          + "T1 stat(\"/a\") = -1 EIO\n"),
      row("v2-lookup-no-getattr-propagate", "as above, with the helper's errno propagated (A4)",
          "v2", List.of("A4=propagate"), "fuse_inode_set_passthrough (lookup attach)",
          "EOPNOTSUPP", "EOPNOTSUPP", Check.NOTE, INO
          + "server backing_open /a ops=read,write = 1\n"
          + "server lookup /a entry ino=10 backing=1\n"
          + "T1 stat(\"/a\") = -1 EOPNOTSUPP\n"),
      row("v2-lookup-unknown-id", "LOOKUP names a backing id that is not registered", "v2",
          List.of(), "fuse_inode_set_passthrough (lookup attach)", "ENOENT", "EIO", Check.NOTE,
          INO
          + "server lookup /a entry ino=10 backing=5\n"
          + "T1 stat(\"/a\") = -1 EIO\n"),
      row("v2-lookup-ino-mismatch", "LOOKUP attaches a backing whose inode number is not the fuse "
          + "inode's (FUSE_PASSTHROUGH_INO)", "v2", List.of(), "fuse_inode_uncached_io_start",
          "EIO", "EIO", Check.NOTE, INO
          + "lower file /b ino=11 mode=0644 size=4096\n"
          + "server backing_open /b ops=read,write,getattr = 1\n"
          + "server lookup /a entry ino=10 backing=1\n"
          + "T1 stat(\"/a\") = -1 EIO\n"),
      row("v2-inherit-none", "OPEN reply FOPEN_PASSTHROUGH with backing_id 0 on an inode without "
          + "a lifetime backing", "v2", List.of(), "fuse_passthrough_open", "ENOENT", "EIO",
          Check.NOTE, INO
          + "server open /a passthrough backing=0\n"
          + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n"));
}
