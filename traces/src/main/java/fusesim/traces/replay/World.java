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
 * The statements that set up or change the world: mount, the lower tree, threads, server
 * policies and actions, and the environment steps (tick, evict, drop_caches, umount).
 */
final class World {
  private World() {}

  /** Applies {@code s}; returns null or what did not match its stated outcome. */
  static String apply(String file, Kernel k, Stmt s, String[] result) {
    if (s instanceof Stmt.Mount) {
      if (k.mounted) {
        throw TraceSemanticError.at(file, s.pos(), "the trace mounts twice");
      }
      k.mount(ToModel.mount((Stmt.Mount) s));
    } else if (s instanceof Stmt.LowerNode) {
      lowerNode(file, k, (Stmt.LowerNode) s);
    } else if (s instanceof Stmt.LowerLink) {
      Stmt.LowerLink l = (Stmt.LowerLink) s;
      if (!k.lower.link(l.target().text(), l.path().text())) {
        throw TraceSemanticError.at(file, l.path().pos(), "cannot link " + l.path().text() + " to "
            + l.target().text() + " (missing target, existing name, or a directory)");
      }
    } else if (s instanceof Stmt.LowerUnlink) {
      Stmt.LowerUnlink u = (Stmt.LowerUnlink) s;
      if (k.lower.unlink(u.path().text()) == null) {
        throw TraceSemanticError.at(file, u.path().pos(), "no lower file " + u.path().text());
      }
    } else if (s instanceof Stmt.LowerSet) {
      Stmt.LowerSet ls = (Stmt.LowerSet) s;
      setAttrs(StepRunner.lowerNode(file, k, ls.path().text(), ls.path().pos()), ls.attrs());
    } else if (s instanceof Stmt.LowerWrite) {
      Stmt.LowerWrite w = (Stmt.LowerWrite) s;
      Lower.Node node = StepRunner.lowerNode(file, k, w.path().text(), w.path().pos());
      if (!node.isReg()) {
        throw TraceSemanticError.at(file, w.path().pos(), w.path().text() + " is not a regular file");
      }
      node.write(w.offset().value(), Bytes.of(w.data().bytes())); // pwrite(2) beside the mount
      node.mtime = node.ctime = k.now;
    } else if (s instanceof Stmt.ThreadDecl) {
      Stmt.ThreadDecl t = (Stmt.ThreadDecl) s;
      if (k.threads.containsKey(t.thread().text()) && !t.thread().text().equals("T1")) {
        throw TraceSemanticError.at(file, t.thread().pos(), "thread " + t.thread().text() + " is declared twice");
      }
      k.addThread(t.thread().text(), Item.longValue(t.creds(), "uid").orElse(0L).intValue(),
          Item.longValue(t.creds(), "gid").orElse(0L).intValue());
    } else {
      return server(file, k, s, result);
    }
    return null;
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

  private static String server(String file, Kernel k, Stmt s, String[] result) {
    if (s instanceof Stmt.ServerPolicy) {
      Stmt.ServerPolicy p = (Stmt.ServerPolicy) s;
      k.server.policy(ToModel.opcode(p.op()), p.path().text(), ToModel.reply(p.op(), p.reply()));
    } else if (s instanceof Stmt.ServerLike) {
      for (Stmt.ServerPolicy p : ((Stmt.ServerLike) s).preset().policies()) {
        k.server.policy(ToModel.opcode(p.op()), null, ToModel.reply(p.op(), p.reply())); // every path
      }
    } else if (s instanceof Stmt.ServerHold) {
      Stmt.ServerHold h = (Stmt.ServerHold) s;
      k.server.hold(ToModel.opcode(h.op()), h.path().map(w -> w.text()).orElse(null));
    } else if (s instanceof Stmt.ServerUnhold) {
      Stmt.ServerUnhold h = (Stmt.ServerUnhold) s;
      k.server.unhold(ToModel.opcode(h.op()), h.path().map(w -> w.text()).orElse(null));
    } else if (s instanceof Stmt.ServerReply) {
      result[0] = serverReply(file, k, (Stmt.ServerReply) s);
    } else if (s instanceof Stmt.BackingOpen) {
      return backingOpen(file, k, (Stmt.BackingOpen) s, result);
    } else if (s instanceof Stmt.BackingClose) {
      Stmt.BackingClose c = (Stmt.BackingClose) s;
      int r = k.backing.devIocBackingClose((int) c.id().value());
      return ioctlOutcome(r, c.outcome(), result);
    } else if (s instanceof Stmt.ServerCrash) {
      k.crash();
    } else if (s instanceof Stmt.ServerFault f) {
      k.server.fault(f.op(), f.fault());
    } else if (s instanceof Stmt.ServerNotify) {
      result[0] = notify(k, (Stmt.ServerNotify) s);
    } else {
      return environment(file, k, s);
    }
    return null;
  }

  /** The daemon's write() of the reply: "" or "-1 ERRNO" (a faulted reply the kernel refused). */
  private static String serverReply(String file, Kernel k, Stmt.ServerReply r) {
    Opcode op = ToModel.opcode(r.op());
    ReplySpec spec = r.reply().map(x -> ToModel.reply(r.op(), x)).orElse(null);
    if (!k.mounted || k.serverReply(r.thread().text(), op, spec) == null) {
      throw TraceSemanticError.at(file, r.thread().pos(),
          r.thread().text() + " has no pending " + op + " request to reply to");
    }
    return k.lastReplyWrite == 0 ? "" : "-1 " + ToModel.errnoName(k.lastReplyWrite);
  }

  private static String backingOpen(String file, Kernel k, Stmt.BackingOpen b, String[] result) {
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
    }
    long flags = Item.longValue(b.params(), "flags").orElse(0L);
    long padding = Item.get(b.params(), "padding").or(() -> Item.get(b.params(), "ops"))
        .map(ToModel::number).orElse(0L);
    int r = k.backing.devIocBackingOpen(new BackingMap(target, node, 0, flags, padding), 0);
    return ioctlOutcome(r, b.outcome(), result);
  }

  private static String ioctlOutcome(int r, Outcome o, String[] result) {
    result[0] = r < 0 ? "-1 " + ToModel.errnoName(r) : Integer.toString(r);
    if (o instanceof Outcome.Any) {
      return null;
    }
    long want = o instanceof Outcome.Returns ? ((Outcome.Returns) o).value().value()
        : o instanceof Outcome.Fails ? -((Outcome.Fails) o).errno().errno().number() : Long.MIN_VALUE;
    return want == r ? null : "expected = " + fusesim.traces.lang.TracePrinter.outcome(o) + ", found = " + result[0];
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

  private static String environment(String file, Kernel k, Stmt s) {
    if (s instanceof Stmt.Tick) {
      k.tick(((Stmt.Tick) s).duration().nanos());
    } else if (s instanceof Stmt.Evict) {
      k.evict(((Stmt.Evict) s).path().text());
    } else if (s instanceof Stmt.DropCaches) {
      k.dropCaches();
    } else if (s instanceof Stmt.Umount) {
      if (!k.mounted || k.unmounted) {
        throw TraceSemanticError.at(file, s.pos(), "nothing is mounted");
      }
      if (!k.umount()) {
        throw TraceSemanticError.at(file, s.pos(), "umount with files or mappings still open: "
            + "close and munmap them first");
      }
    } else {
      throw new IllegalStateException("unhandled statement " + s);
    }
    return null;
  }
}
