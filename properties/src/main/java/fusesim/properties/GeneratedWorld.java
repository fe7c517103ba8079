package fusesim.properties;

import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import java.util.ArrayList;
import java.util.List;

import static fusesim.properties.Generator.INODES;
import static fusesim.properties.Generator.LIFETIME_OPS;

/**
 * The world every generated sequence starts from (properties/README.md, "Generation"): the mount
 * (passthrough, sometimes direct_io_allow_mmap, FUSE_PASSTHROUGH_INO, readdirplus,
 * default_permissions), lower {@code /a} (ino 10, nlink 2) with its hard link {@code /b},
 * {@code /c} (11, sometimes set-id), dir {@code /d} (20) and {@code /d/e} (21), the backing opens and
 * the first open policies. Drawn from the {@link Generator}'s random stream and emitted through it,
 * in the order it always was.
 */
final class GeneratedWorld {
  private final Generator g;

  GeneratedWorld(Generator g) {
    this.g = g;
  }

  /** The mount, the lower tree, the open-time and (under the series) g.lifetime backings, the first policies. */
  void build() {
    List<Stmt.MountArg> opts = new ArrayList<>();
    boolean pt = g.wellBehaved || g.rnd.nextInt(10) < 9;
    if (pt) {
      opts.add(Ast.opt(MountOption.PASSTHROUGH));
    }
    if (g.rnd.nextBoolean()) {
      opts.add(Ast.opt(MountOption.DIRECT_IO_ALLOW_MMAP));
    }
    g.ino = pt && g.setup.semantics().has(1) && g.chance(60);
    if (g.ino) {
      opts.add(Ast.opt(MountOption.PASSTHROUGH_INO));
    }
    if (g.profile.readdirplusMounts) {
      int r = g.rnd.nextInt(8);
      if (r < 2) {
        opts.add(Ast.opt(r == 0 ? MountOption.READDIRPLUS : MountOption.READDIRPLUS_AUTO));
      }
    }
    g.defaultPermissions = g.profile.defaultPermissionsMounts && g.chance(25);
    if (g.defaultPermissions) {
      opts.add(Ast.opt(MountOption.DEFAULT_PERMISSIONS));
    }
    if (g.profile.initFlagMounts) {
      for (MountOption o : g.wellBehaved ? WELL_BEHAVED_INIT_FLAGS : ARBITRARY_INIT_FLAGS) {
        if (g.chance(20)) {
          opts.add(Ast.opt(o));
        }
      }
    }
    g.emit(Ast.mount(opts));
    g.emit(Ast.lowerFile("/a", 10, 4096, 2));
    g.emit(Ast.lowerLink("/b", "/a"));
    // SUID-SGID-DROP: sometimes /c is set-id and T2 an unprivileged user (fstests generic/683-685)
    boolean setid = g.ino && g.profile.threads >= 2 && g.chance(30);
    g.emit(setid ? Ast.lowerSetidFile("/c", 11, 4096, g.pick(SETID_MODES), g.chance(50) ? 0 : 1000)
        : Ast.lowerFile("/c", 11, 4096, 1));
    if (setid || (g.defaultPermissions && g.profile.threads >= 2)) {
      // default_permissions: an unprivileged T2 makes generic_permission() refuse something
      g.emit(Ast.threadDecl("T2", 1000, 1000));
    }
    g.emit(Ast.lowerDir("/d", 20));
    g.emit(Ast.lowerFile("/d/e", 21, 0, 1));
    if (pt) {
      g.backingOpen("/a");
      g.backingOpen("/c");
    }
    if (g.ino) {
      seriesWorld();
    }
    for (String p : INODES) {
      if (g.rnd.nextInt(3) > 0) {
        g.emit(Ast.policy(ServerOp.OPEN, p, g.draws.openPolicy(p)));
      }
    }
  }

  /**
   * INIT flags and server answers a mount line sets (issue 12 item 4), each on its own draw:
   * atomic_o_trunc (passthrough_hp asks for it: O_TRUNC travels in OPEN), and for the arbitrary
   * server also handle_killpriv, handle_killpriv_v2 and no_flush (FLUSH answered ENOSYS), which
   * the well-behaved one does not negotiate (traces' WellBehaved.MOUNT_OPTIONS).
   */
  private static final List<MountOption> WELL_BEHAVED_INIT_FLAGS = List.of(MountOption.ATOMIC_O_TRUNC);
  private static final List<MountOption> ARBITRARY_INIT_FLAGS = List.of(MountOption.ATOMIC_O_TRUNC,
      MountOption.HANDLE_KILLPRIV, MountOption.HANDLE_KILLPRIV_V2, MountOption.NO_FLUSH);

  /** The starting modes of fstests generic/683-685, and a set-gid file that is not executable. */
  private static final List<Integer> SETID_MODES =
      List.of(06666, 06676, 06766, 06777, 02676, 02777, 02666);

  /**
   * The v2 test server's g.setup: a g.lifetime backing per regular file, named in its entry replies;
   * a READDIR backing for the directory, named in its OPENDIR reply. The arbitrary server picks
   * masks and g.ids at random (other files' g.ids, closed or unknown g.ids, 0, -1).
   */
  private void seriesWorld() {
    for (String p : INODES) {
      List<String> ops = g.wellBehaved ? (g.chance(80) ? LIFETIME_OPS : List.of("read", "write", "getattr"))
          : g.draws.randomOps();
      long id = g.backingOpen(p, ops);
      if (id > 0) {
        g.lifetime.put(p, id);
      }
      g.emit(g.draws.lookupPolicyFor(p));
      if (p.equals("/a")) {
        g.emit(g.draws.lookupPolicyFor("/b"));
      }
    }
    if (g.setup.semantics().has(3)) {
      long d = g.backingOpen("/d", g.wellBehaved ? List.of("readdir") : g.draws.randomOps());
      if (d > 0 && g.chance(g.wellBehaved ? 80 : 50)) {
        g.emit(Ast.policy(ServerOp.OPENDIR, "/d",
            Ast.openReply(List.of("passthrough"), List.of(Ast.item("backing", Ast.num(d))))));
      }
    }
  }
}
