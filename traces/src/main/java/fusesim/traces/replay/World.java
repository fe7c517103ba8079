package fusesim.traces.replay;

import fusesim.model.fuse.BackingMap;
import fusesim.model.vfs.Dentry;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Bytes;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Opcode;
import fusesim.model.ReplySpec;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceSemanticError;

/**
 * The model backend ({@link TraceDriver.Backend}): its one method per statement kind: the world
 * (mount, the lower tree, threads), the server's policies and actions, the environment steps
 * (tick, evict, drop_caches, umount) here; a thread step's model side (start a call, what it
 * waits for, what it returned) in {@link ModelCalls}, the protocol around it in
 * {@link TraceDriver}; expectations in {@link Expectations}.
 */
final class World implements TraceDriver.Backend {
  private final String file;
  private final Kernel k;
  private final StepRunner runner;
  private final ModelCalls calls;

  World(String file, Kernel k, StepRunner runner) {
    this.file = file;
    this.k = k;
    this.runner = runner;
    this.calls = new ModelCalls(k);
  }

  /** A step that needs the connection: without a mount line, a plain mount, no passthrough. */
  private void ensureMounted() {
    if (!k.mounted) {
      k.mount(new fusesim.model.MountConfig());
    }
  }

  @Override
  public StepOutcome visitMount(Stmt.Mount m) {
    if (k.mounted) {
      throw TraceSemanticError.at(file, m.pos(), "the trace mounts twice");
    }
    k.mount(ToModel.mount(m));
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerNode(Stmt.LowerNode n) {
    lowerNode(file, k, n);
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerLink(Stmt.LowerLink l) {
    if (!k.lower.link(l.target().text(), l.path().text())) {
      throw TraceSemanticError.at(file, l.path().pos(), "cannot link " + l.path().text() + " to "
          + l.target().text() + " (missing target, existing name, or a directory)");
    }
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerUnlink(Stmt.LowerUnlink u) {
    if (k.lower.unlink(u.path().text()) == null) {
      throw TraceSemanticError.at(file, u.path().pos(), "no lower file " + u.path().text());
    }
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerSet(Stmt.LowerSet ls) {
    setAttrs(StepRunner.lowerNode(file, k, ls.path().text(), ls.path().pos()), ls.attrs());
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerWrite(Stmt.LowerWrite w) {
    Lower.Node node = StepRunner.lowerNode(file, k, w.path().text(), w.path().pos());
    if (!node.isReg()) {
      throw TraceSemanticError.at(file, w.path().pos(), w.path().text() + " is not a regular file");
    }
    node.write(w.offset().value(), Bytes.of(w.data().bytes())); // pwrite(2) beside the mount
    node.mtime = node.ctime = k.now;
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitThreadDecl(Stmt.ThreadDecl t) {
    if (k.threads.containsKey(t.thread().text()) && !t.thread().text().equals("T1")) {
      throw TraceSemanticError.at(file, t.thread().pos(), "thread " + t.thread().text() + " is declared twice");
    }
    k.addThread(t.thread().text(), Item.longValue(t.creds(), "uid").orElse(0L).intValue(),
        Item.longValue(t.creds(), "gid").orElse(0L).intValue());
    return StepOutcome.met();
  }

  // ---- server

  @Override
  public StepOutcome visitServerPolicy(Stmt.ServerPolicy p) {
    k.server.policy(ToModel.opcode(p.op()), p.path().text(), ToModel.reply(p.op(), p.reply()));
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerLike(Stmt.ServerLike l) {
    for (Stmt.ServerPolicy p : l.preset().policies()) {
      k.server.policy(ToModel.opcode(p.op()), null, ToModel.reply(p.op(), p.reply())); // every path
    }
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerHold(Stmt.ServerHold h) {
    k.server.hold(ToModel.opcode(h.op()), h.path().map(w -> w.text()).orElse(null));
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerUnhold(Stmt.ServerUnhold h) {
    k.server.unhold(ToModel.opcode(h.op()), h.path().map(w -> w.text()).orElse(null));
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerReply(Stmt.ServerReply r) {
    ensureMounted();
    Opcode op = ToModel.opcode(r.op());
    ReplySpec spec = r.reply().map(x -> ToModel.reply(r.op(), x)).orElse(null);
    if (!k.mounted || k.serverReply(r.thread().text(), op, spec) == null) {
      throw TraceSemanticError.at(file, r.thread().pos(),
          r.thread().text() + " has no pending " + op + " request to reply to");
    }
    // the daemon's write() of the reply: "" or "-1 ERRNO" (a faulted reply the kernel refused)
    return StepOutcome.met(k.lastReplyWrite == 0 ? "" : "-1 " + ToModel.errnoName(k.lastReplyWrite));
  }

  @Override
  public StepOutcome visitBackingOpen(Stmt.BackingOpen b) {
    ensureMounted();
    return backingOpen(file, k, b);
  }

  @Override
  public StepOutcome visitBackingClose(Stmt.BackingClose c) {
    ensureMounted();
    return ioctlOutcome(k.backing.devIocBackingClose((int) c.id().value()), c.outcome());
  }

  @Override
  public StepOutcome visitServerCrash(Stmt.ServerCrash c) {
    k.crash();
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerFault(Stmt.ServerFault f) {
    k.server.fault(f.op(), f.fault());
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerNotify(Stmt.ServerNotify n) {
    return StepOutcome.met(notify(k, n));
  }

  // ---- thread steps: the protocol is the driver's; the model's side of it is ModelCalls

  @Override
  public String inCall(String thread) {
    ensureMounted();
    return calls.inCall(thread);
  }

  @Override
  public boolean start(TraceDriver.Call call) {
    ensureMounted();
    return calls.start(call);
  }

  @Override
  public String waitingFor(String thread) {
    return calls.waitingFor(thread);
  }

  @Override
  public TraceDriver.Returned returned(TraceDriver.Call call, Stmt.ThreadStep line, Outcome o,
      java.util.List<Item> checks) {
    return calls.returned(call, o, checks);
  }

  @Override
  public StepOutcome blocked(TraceDriver.Call call) {
    return StepOutcome.met("unfinished");
  }

  @Override
  public StepOutcome didNotBlock(TraceDriver.Call call) {
    return calls.didNotBlock(call);
  }

  @Override
  public int requestMark() {
    return k.log.size();
  }

  // ---- other steps

  @Override
  public StepOutcome visitTick(Stmt.Tick t) {
    k.tick(t.duration().nanos());
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitEvict(Stmt.Evict e) {
    k.evict(e.path().text());
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitDropCaches(Stmt.DropCaches d) {
    k.dropCaches();
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitUmount(Stmt.Umount u) {
    if (!k.mounted || k.unmounted) {
      throw TraceSemanticError.at(file, u.pos(), "nothing is mounted");
    }
    if (!k.umount()) {
      throw TraceSemanticError.at(file, u.pos(), "umount with files or mappings still open: "
          + "close and munmap them first");
    }
    return StepOutcome.met();
  }

  // ---- expectations

  private Expectations expectations() {
    return new Expectations(file, k, runner.expectMark());
  }

  @Override
  public StepOutcome visitExpectRequests(Stmt.ExpectRequests e) {
    String v = expectations().requests(e);
    runner.markExpected();
    return new StepOutcome("", v);
  }

  @Override
  public StepOutcome visitExpectNo(Stmt.ExpectNo e) {
    return new StepOutcome("", expectations().no(e));
  }

  @Override
  public StepOutcome visitExpectInode(Stmt.ExpectInode e) {
    return new StepOutcome("", expectations().inode(e));
  }

  @Override
  public StepOutcome visitExpectBacking(Stmt.ExpectBacking e) {
    return new StepOutcome("", expectations().backing(e));
  }

  @Override
  public StepOutcome visitExpectFile(Stmt.ExpectFile e) {
    return new StepOutcome("", expectations().file(e));
  }

  @Override
  public StepOutcome visitExpectConn(Stmt.ExpectConn e) {
    return new StepOutcome("", expectations().conn(e));
  }

  private static void lowerNode(String file, Kernel k, Stmt.LowerNode n) {
    int type;
    switch (n.type()) {
      case DIR: type = Lower.S_IFDIR; break;
      case CHR: type = Lower.S_IFCHR; break;
      case FIFO: type = Lower.S_IFIFO; break;
      default: type = Lower.S_IFREG; break;
    }
    int perm = n.type() == Stmt.NodeType.DIR ? 0755 : 0644;
    long ino = Item.longValue(n.attrs(), "ino").orElse(0L);
    if (ino == 1) {
      throw TraceSemanticError.at(file, n.path().pos(), "ino 1 is the root's (FUSE_ROOT_ID)");
    }
    Lower.Node node = k.lower.add(n.path().text(), type | perm, ino);
    if (node == null) {
      throw TraceSemanticError.at(file, n.path().pos(), "cannot create " + n.path().text()
          + ": its parent is missing or the name exists");
    }
    setAttrs(node, n.attrs());
  }

  private static void setAttrs(Lower.Node node, java.util.List<Item> attrs) {
    for (Item a : attrs) {
      if (a.value() instanceof fusesim.traces.lang.Value.Data d) {
        node.truncate(0); // data= replaces the contents: the file is these bytes
        node.write(0, Bytes.of(d.bytes()));
        continue;
      }
      long v = ToModel.number(a.value());
      switch (a.key()) {
        case "ino": node.ino = v; break;
        case "mode": node.mode = (v & Lower.S_IFMT) != 0 ? (int) v : (node.mode & Lower.S_IFMT) | (int) v; break;
        case "uid": node.uid = (int) v; break;
        case "gid": node.gid = (int) v; break;
        case "size": node.resizeWithPattern(v); break;
        case "nlink": node.nlink = (int) v; break;
        case "atime": node.atime = v; break;
        case "mtime": node.mtime = v; break;
        case "ctime": node.ctime = v; break;
        case "generation": node.generation = v; break;
        case "stack_depth": node.stackDepth = (int) v; break;
        default: throw new IllegalArgumentException("unknown lower attribute " + a.key());
      }
    }
  }

  private static StepOutcome backingOpen(String file, Kernel k, Stmt.BackingOpen b) {
    BackingMap.Target target;
    Lower.Node node = null;
    if (b.target() instanceof Stmt.LowerTarget) {
      Stmt.LowerTarget t = (Stmt.LowerTarget) b.target();
      node = StepRunner.lowerNode(file, k, t.path().text(), t.path().pos());
      target = BackingMap.Target.LOWER;
    } else if (b.target() instanceof Stmt.FdTarget) {
      long fd = ((Stmt.FdTarget) b.target()).fd().value();
      if (fd >= 0 && fd <= 2) {
        throw TraceSemanticError.at(file, b.target().pos(), "fd 0-2 are the server's standard streams: not modelled");
      }
      target = BackingMap.Target.BAD_FD;
    } else {
      target = BackingMap.Target.ON_FUSE_MOUNT;
      ServerOwnOpen own = ServerOwnOpen.open(k, ((Stmt.MountTarget) b.target()).path());
      if (own.failed()) {
        return ioctlOutcome(own.errno(), b.outcome()); // no fd to pass: the open's errno
      }
      long flags = Item.longValue(b.params(), "flags").orElse(0L);
      long padding = Item.get(b.params(), "padding").or(() -> Item.get(b.params(), "ops"))
          .map(ToModel::number).orElse(0L);
      int r = k.backing.devIocBackingOpen(new BackingMap(target, null, 0, flags, padding), 0);
      own.close();
      return ioctlOutcome(r, b.outcome());
    }
    long flags = Item.longValue(b.params(), "flags").orElse(0L);
    long padding = Item.get(b.params(), "padding").or(() -> Item.get(b.params(), "ops"))
        .map(ToModel::number).orElse(0L);
    int r = k.backing.devIocBackingOpen(new BackingMap(target, node, 0, flags, padding), 0);
    return ioctlOutcome(r, b.outcome());
  }

  private static StepOutcome ioctlOutcome(int r, Outcome o) {
    String result = r < 0 ? "-1 " + ToModel.errnoName(r) : Integer.toString(r);
    if (o instanceof Outcome.Any) {
      return StepOutcome.met(result);
    }
    long want = o instanceof Outcome.Returns ? ((Outcome.Returns) o).value().value()
        : o instanceof Outcome.Fails ? -((Outcome.Fails) o).errno().errno().number() : Long.MIN_VALUE;
    return want == r ? StepOutcome.met(result) : StepOutcome.unmet(result,
        "expected = " + fusesim.traces.lang.TracePrinter.outcome(o) + ", found = " + result);
  }

  /**
   * FUSE_NOTIFY_PRUNE / INVAL_ENTRY / INVAL_INODE (fuse_reverse_inval_*); the result of the
   * server's write() on /dev/fuse: "" or "-1 ENOENT". fuse_reverse_inval_entry() (fs/fuse/dir.c)
   * only looks the name up in the dcache (try_lookup_noperm()): no cached dentry, -ENOENT;
   * fuse_reverse_inval_inode() (fs/fuse/inode.c): fuse_ilookup() finds no inode, -ENOENT.
   * fuse_notify_prune() reports nothing. (Seen on 6.18.44.)
   */
  private static String notify(Kernel k, Stmt.ServerNotify n) {
    String path = n.path().text();
    switch (n.kind()) {
      case PRUNE:
        k.evict(path);
        return "";
      case INVAL_ENTRY:
        Dentry d = k.dcache.dcacheWalk(path);
        if (d == null) {
          return "-1 ENOENT";
        }
        if (d.parent != null && d.parent.inode != null) {
          // fuse_dir_changed(parent) → fuse_invalidate_attr(): the directory's attributes are
          // stale, the next stat of it asks the server (seen on 6.18.44)
          d.parent.inode.invalMask = Dir.STATX_BASIC_STATS;
        }
        k.dcache.dInvalidate(d);
        k.server.dentryNodeid.remove(path); // the daemon knows the dentry there is gone
        return "";
      default:
        // fuse_reverse_inval_inode() (fs/fuse/inode.c): fuse_ilookup() of the nodeid the daemon
        // last gave for the path, -ENOENT if no inode has it
        FuseInode fi = k.inodes.fuseIlookup(k.server.notifyNodeid(path));
        if (fi == null) {
          return "-1 ENOENT";
        }
        fi.invalMask = Dir.STATX_BASIC_STATS;
        fi.pages.clear();
        return "";
    }
  }
}
