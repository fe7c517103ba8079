package fusesim.model;

import fusesim.model.fuse.BackingMap;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FUSE server: an input to the model. It answers each request from a policy (what the trace
 * or the generator chose) on top of the answer a well-behaved passthrough_hp-like daemon gives
 * from the lower tree. Matching requests can be held and answered later in any order.
 *
 * <p>It keeps what a daemon must keep to be correct: its nodeid → inode table, the lookup count
 * it owes per nodeid (for the nlookup-balance invariant), and the backing ids it registered.
 */
public final class Server {
  /** passthrough_hp's default timeout (86400 s) is used for entries and attributes. */
  public static final long DEFAULT_TIMEOUT_NS = 86_400L * 1_000_000_000L;

  private record Key(Opcode op, String path) {}

  private final Kernel k;
  /** Requests are answered at once unless held (the trace replay's sequential mode). */
  public boolean autoReply = true;
  public boolean alive = true;
  private final Map<Key, ReplySpec> policies = new LinkedHashMap<>();
  private final List<Key> holds = new ArrayList<>();
  /** nodeid → lower node, as the daemon's inode table. */
  public final Map<Long, Lower.Node> nodes = new HashMap<>();
  /**
   * The nodeid of the latest positive entry reply for each path: what the kernel's dentry there
   * holds, as far as the daemon can tell (it cannot see a dentry die, or the kernel reuse a name).
   * The daemon names inodes by these nodeids in its notifications (FUSE_NOTIFY_PRUNE,
   * FUSE_NOTIFY_INVAL_INODE), so {@code evict P} and {@code server notify inval_inode P} act on
   * the inode with this nodeid.
   */
  public final Map<String, Long> dentryNodeid = new HashMap<>();
  /** The lookup count the daemon holds per nodeid: entry replies minus FORGETs. */
  public final Map<Long, Long> nlookup = new HashMap<>();
  /** passthrough_hp's per-inode backing id and open count, for backing=auto. */
  private final Map<Lower.Node, int[]> autoBacking = new HashMap<>();
  private final Map<Long, Lower.Node> autoFh = new HashMap<>();
  /**
   * fh → the lower node an OPEN/CREATE opened: like passthrough_hp, which keeps an fd per open,
   * READ, WRITE and FALLOCATE go to the file that was opened, even if the nodeid has since been
   * given to another file by a later entry reply (seen on 6.18.44 with the kernel harness's
   * server, which reads through the opened fd).
   */
  private final Map<Long, Lower.Node> opened = new HashMap<>();
  private long nextFh = 1;

  Server(Kernel k) {
    this.k = k;
    nodes.put(1L, k.lower.root);
    nlookup.put(1L, 1L);
  }

  /** {@code server OP PATH REPLY}: from now on answer OP on PATH (null = any path) so. */
  public void policy(Opcode op, String path, ReplySpec spec) {
    Key key = new Key(op, path);
    policies.remove(key);
    if (spec.kind() != ReplySpec.Kind.DEFAULT) {
      policies.put(key, spec);
    }
  }

  /** {@code server hold OP [PATH]}. */
  public void hold(Opcode op, String path) {
    holds.add(new Key(op, path));
  }

  /** {@code server unhold OP [PATH]}. */
  public void unhold(Opcode op, String path) {
    holds.remove(new Key(op, path));
  }

  /** A request arrives on /dev/fuse: it is held, answered now, or left pending. */
  public void receive(Request r) {
    r.path = pathOf(r);
    if (isHeld(r)) {
      r.state = Request.State.HELD;
    } else if (autoReply) {
      reply(r, null);
    }
  }

  private boolean isHeld(Request r) {
    for (Key h : holds) {
      if (h.op == r.opcode && (h.path == null || h.path.equals(r.path))) {
        return true;
      }
    }
    return false;
  }

  /** The lower path a request concerns: parent path + name for LOOKUP-like requests. */
  private String pathOf(Request r) {
    Lower.Node n = nodes.get(r.nodeid);
    String p = n == null ? null : k.lower.pathOf(n);
    if (p == null || r.name == null || r.opcode == Opcode.GETXATTR || r.opcode == Opcode.SETXATTR
        || r.opcode == Opcode.REMOVEXATTR) {
      return p; // an xattr request names an attribute of the inode itself, not an entry
    }
    return (p.equals("/") ? "" : p) + "/" + r.name;
  }

  /**
   * Answers {@code r}: with {@code spec}, or (null) the policy for it, or the default. Returns
   * the result of the write() on /dev/fuse (0, or -ENOENT if the request is not pending).
   */
  public int reply(Request r, ReplySpec spec) {
    if (spec == null) {
      spec = policyFor(r);
    }
    Reply reply = answer(r, spec);
    if (fault != null && fault.op() == r.opcode && !r.answered() && k.fc.connected) {
      return faultedReply(r, reply);
    }
    account(r, reply);
    return k.dev.reply(r, reply);
  }

  /** {@code server fault OP FAULT}: the next reply to OP is written so (once). */
  private record ArmedFault(Opcode op, fusesim.model.fuse.ReplyFault fault) {}

  private ArmedFault fault;

  /**
   * {@code server fault OP FAULT}: the daemon's next reply to an OP request is written as
   * {@code fault} (one slot, as the kernel oracle's FuseServer.inject: a fault not yet taken is
   * replaced).
   */
  public void fault(Opcode op, fusesim.model.fuse.ReplyFault f) {
    fault = new ArmedFault(op, f);
  }

  /**
   * The armed fault in place of {@code good}: the daemon closing /dev/fuse aborts the connection
   * (fuse_dev_release); otherwise the request ends as {@link fusesim.model.fuse.Dev#faulted} says,
   * and the daemon accounts the reply the kernel took (a refused entry reply is no lookup).
   * Returns the daemon's write() result (-errno of the faulted write when it ended the request).
   */
  private int faultedReply(Request r, Reply good) {
    fusesim.model.fuse.ReplyFault f = fault.fault();
    fault = null;
    if (f == fusesim.model.fuse.ReplyFault.CLOSE_MID_REQUEST) {
      crash();
      return 0;
    }
    fusesim.model.fuse.Dev.Faulted out = fusesim.model.fuse.Dev.faulted(r, good, f);
    if (out.ends() != good) {
      r.ghostLower = null; // the kernel got other bytes than the daemon read: no coherence promised
    }
    account(r, out.ends());
    int followUp = k.dev.reply(r, out.ends());
    return out.ends() == good && out.writeErrno() != 0 ? followUp : -out.writeErrno();
  }

  private ReplySpec policyFor(Request r) {
    ReplySpec s = policies.get(new Key(r.opcode, r.path));
    return s != null ? s : policies.getOrDefault(new Key(r.opcode, null), ReplySpec.DEFAULT);
  }

  /** What the daemon remembers of its own reply: lookups it now owes a FORGET for, open fhs. */
  private void account(Request r, Reply reply) {
    Reply.Entry e = reply instanceof Reply.Entry ? (Reply.Entry) reply
        : reply instanceof Reply.Create ? ((Reply.Create) reply).entry() : null;
    if (e != null && e.nodeid() != 0) {
      nlookup.merge(e.nodeid(), 1L, Long::sum);
      if (r.path != null) {
        dentryNodeid.put(r.path, e.nodeid());
      }
    } else if (r.opcode == Opcode.LOOKUP && r.path != null) {
      dentryNodeid.remove(r.path); // negative or failed: no positive dentry there now
    }
    if (reply instanceof Reply.DirentsPlus) {
      for (Reply.Entry p : ((Reply.DirentsPlus) reply).entries()) {
        if (p.nodeid() != 0) {
          nlookup.merge(p.nodeid(), 1L, Long::sum); // every direntplus with a nodeid is a lookup
        }
      }
    }
    if (r.opcode == Opcode.RELEASE) {
      autoRelease(r.args.length > 0 ? r.args[0] : -1);
      opened.remove(r.args.length > 0 ? r.args[0] : -1);
    }
  }

  /**
   * The nodeid the daemon would name for {@code path} in a notification: the root's, or that of
   * its latest positive entry reply for the path; null if it never answered one.
   */
  public Long notifyNodeid(String path) {
    return path.equals("/") ? Long.valueOf(1) : dentryNodeid.get(path);
  }

  /** FORGET(nodeid, n): the kernel dropped n lookups. */
  public void forget(long nodeid, long n) {
    long left = nlookup.getOrDefault(nodeid, 0L) - n;
    if (left == 0) {
      nlookup.remove(nodeid);
      // the kernel's inode is gone, and so is every dentry that held it: the daemon no longer
      // names that nodeid for any path (as the kernel harness's server; seen on 6.18.44: an
      // evict of such a path reaches no inode, even when a later lookup reused the nodeid)
      dentryNodeid.values().removeIf(id -> id == nodeid);
    } else {
      nlookup.put(nodeid, left);
    }
  }

  /** The daemon dies: its /dev/fuse fd is closed and the kernel aborts the connection. */
  public void crash() {
    alive = false;
    k.dev.abortConn();
  }

  // ---- answers -------------------------------------------------------------------------------

  private Reply answer(Request r, ReplySpec spec) {
    if (spec.kind() == ReplySpec.Kind.ERROR) {
      return new Reply.Error(spec.errno());
    }
    Lower.Node node = nodes.get(r.nodeid);
    if (r.opcode == Opcode.READ || r.opcode == Opcode.WRITE) {
      node = opened.getOrDefault(r.args[2], node);
    } else if (r.opcode == Opcode.FALLOCATE) {
      node = opened.getOrDefault(r.args[3], node);
    }
    switch (r.opcode) {
      case LOOKUP:
        // the parent as it was named when the request arrived (r.path): a reply that gives the
        // parent's nodeid to another file meanwhile does not move a LOOKUP already received (the
        // kernel harness's server resolves it so too)
        return lookup(r.path != null ? k.lower.parentOf(r.path) : node, r.name, spec);
      case GETATTR:
      case SETATTR:
        return attr(r, node, spec);
      case OPEN:
      case OPENDIR:
        return open(node, spec, r.opcode == Opcode.OPENDIR);
      case CREATE:
        return create(r, node, spec);
      case MKDIR:
      case MKNOD:
      case SYMLINK:
        return mknod(r, node, spec);
      case LINK:
        return link(r, spec);
      case READLINK:
        return node == null || node.target == null ? Reply.error(Errno.EINVAL)
            : readlink(node.target, spec.get("size", node.target.length()));
      case READDIRPLUS:
        return readdirplus(r, node);
      case READ:
        return node == null ? Reply.error(Errno.ESTALE) : LowerOps.read(r, node, spec);
      case WRITE:
        return LowerOps.write(k, r, node, spec);
      case READDIR:
        return LowerOps.readdir(r, node);
      case FALLOCATE:
        return LowerOps.fallocate(r, node);
      case UNLINK:
      case RMDIR:
        return LowerOps.unlink(k, node, r.name);
      case FLUSH:
      case RELEASE:
      case RELEASEDIR:
      case FSYNC:
      case FSYNCDIR:
      case ACCESS:
        return new Reply.Ok();
      case GETXATTR:
      case LISTXATTR:
        return xattr(r, spec);
      case RENAME:
        return LowerOps.rename(k, nodes, node, r, 0);
      case RENAME2:
        // without a policy, not implemented (the default server has no renameat2); with
        // "server rename2 ... ok" it renames as renameat2(2) on the lower tree would
        return spec.kind() == ReplySpec.Kind.OK ? LowerOps.rename(k, nodes, node, r, r.args[1]) : Reply.error(Errno.ENOSYS);
      case SETXATTR:
      case REMOVEXATTR:
        // without a policy, not implemented (the default server has no xattrs)
        return spec.kind() == ReplySpec.Kind.OK ? new Reply.Ok() : Reply.error(Errno.ENOSYS);
      case LSEEK:
        return spec.kind() == ReplySpec.Kind.SEEK ? new Reply.Lseek(spec.get("offset", 0))
            : spec.kind() == ReplySpec.Kind.OK ? new Reply.Ok() : Reply.error(Errno.ENOSYS);
      default:
        return Reply.error(Errno.ENOSYS); // not implemented (GETXATTR, locks, ioctl, ...)
    }
  }

  private Reply lookup(Lower.Node dir, String name, ReplySpec spec) {
    Lower.Node child = dir == null || !dir.isDir() ? null : dir.children.get(name);
    if (spec.kind() == ReplySpec.Kind.NEGATIVE) {
      return new Reply.Entry(0, 0, spec.get("entry_valid", DEFAULT_TIMEOUT_NS), 0, null, 0);
    }
    if (child == null && !spec.fields().containsKey("ino") && !spec.fields().containsKey("nodeid")) {
      return Reply.error(Errno.ENOENT);
    }
    return entry(child, spec);
  }

  /** An entry reply for {@code node} with the spec's overrides; records nodeid → node. */
  private Reply.Entry entry(Lower.Node node, ReplySpec spec) {
    FuseAttr a = node != null ? FuseAttr.of(node) : new FuseAttr(0, Lower.S_IFREG | 0644, 0, 1, 0, 0, 0, 0);
    a = overrideAttr(a, spec);
    long nodeid = spec.get("nodeid", node == k.lower.root ? 1 : a.ino());
    if (node != null && nodeid != 0 && nodeid != 1) {
      nodes.put(nodeid, node); // nodeid 1 stays the root's, whatever a reply claims
    }
    // The v2 test server's fill_entry2() never sets statx.mask (SEEN-libfuse): 0 under
    // FUSE_PASSTHROUGH_INO; fuse_entry_out's fuse_attr is always complete.
    int statxMask = (int) spec.get("statx_mask", k.fc.passthroughIno ? 0 : Reply.Entry.FULL);
    return new Reply.Entry(nodeid, spec.get("generation", node == null ? 0 : node.generation),
        spec.get("entry_valid", DEFAULT_TIMEOUT_NS), spec.get("attr_valid", DEFAULT_TIMEOUT_NS),
        a, (int) spec.get("backing", 0), statxMask);
  }

  private static FuseAttr overrideAttr(FuseAttr a, ReplySpec spec) {
    return new FuseAttr(spec.get("ino", a.ino()), (int) spec.get("mode", a.mode()),
        spec.get("size", a.size()), (int) spec.get("nlink", a.nlink()),
        (int) spec.get("uid", a.uid()), (int) spec.get("gid", a.gid()), a.mtime(), a.ctime());
  }

  /**
   * GETXATTR/LISTXATTR under an {@code xattr size=N} policy, as passthrough_hp answers through
   * getxattr(2)/listxattr(2) on its lower file: to a request of size 0 the length
   * (fuse_getxattr_out), to one of at least N the N bytes, to a smaller one ERANGE. Without a
   * policy: ENOSYS, the default server implements no xattrs.
   */
  private static Reply xattr(Request r, ReplySpec spec) {
    if (spec.kind() != ReplySpec.Kind.XATTR) {
      return Reply.error(Errno.ENOSYS);
    }
    long n = spec.get("size", 0);
    long size = r.args.length > 0 ? r.args[0] : 0;
    return size == 0 ? new Reply.XattrSize(n) : n <= size ? new Reply.Data(n) : Reply.error(Errno.ERANGE);
  }

  private Reply attr(Request r, Lower.Node node, ReplySpec spec) {
    if (node == null) {
      return Reply.error(Errno.ENOENT);
    }
    if (r.opcode == Opcode.SETATTR && spec.kind() != ReplySpec.Kind.ATTR_IGNORED) {
      applySetattr(r, node);
    }
    return new Reply.AttrOut(overrideAttr(FuseAttr.of(node), spec),
        spec.get("attr_valid", DEFAULT_TIMEOUT_NS));
  }

  /** SETATTR args: valid, mode, uid, gid, size (see Dir.fuseDoSetattr). */
  private void applySetattr(Request r, Lower.Node node) {
    long valid = r.args[0];
    if ((valid & Dir.FATTR_MODE) != 0) {
      node.mode = (node.mode & Lower.S_IFMT) | (int) (r.args[1] & 07777);
    }
    if ((valid & Dir.FATTR_UID) != 0) {
      node.uid = (int) r.args[2];
    }
    if ((valid & Dir.FATTR_GID) != 0) {
      node.gid = (int) r.args[3];
    }
    if ((valid & Dir.FATTR_SIZE) != 0) {
      node.truncate(r.args[4]);
    }
    node.ctime = k.now;
  }

  private Reply open(Lower.Node node, ReplySpec spec, boolean dir) {
    if (node == null) {
      return Reply.error(Errno.ENOENT);
    }
    long fh = spec.get("fh", nextFh++);
    int flags = (int) spec.get("open_flags", 0);
    int backing = (int) spec.get("backing", 0);
    if (spec.backingAuto() && !dir) {
      backing = autoBackingFor(node, fh);
      if (backing < 0) {
        return new Reply.Error(-backing);
      }
    }
    if (!dir) {
      opened.put(fh, node);
    }
    return new Reply.Open(fh, flags, backing);
  }

  /**
   * passthrough_hp: one backing id per inode, registered at its first open and closed after its
   * last release.
   */
  private int autoBackingFor(Lower.Node node, long fh) {
    int[] idAndOpens = autoBacking.get(node);
    if (idAndOpens == null) {
      int id = k.backing.devIocBackingOpen(BackingMap.of(node), 0);
      if (id < 0) {
        return id;
      }
      idAndOpens = new int[] {id, 0};
      autoBacking.put(node, idAndOpens);
    }
    idAndOpens[1]++;
    autoFh.put(fh, node);
    return idAndOpens[0];
  }

  private void autoRelease(long fh) {
    Lower.Node node = autoFh.remove(fh);
    int[] idAndOpens = node == null ? null : autoBacking.get(node);
    if (idAndOpens != null && --idAndOpens[1] == 0) {
      autoBacking.remove(node);
      k.backing.devIocBackingClose(idAndOpens[0]);
    }
  }

  private Reply create(Request r, Lower.Node dir, ReplySpec spec) {
    String path = r.path;
    Lower.Node n = path == null ? null : k.lower.resolve(path);
    if (n == null && path != null) {
      n = k.lower.add(path, Lower.S_IFREG | (int) (r.args[1] & 07777), 0);
    }
    if (n == null) {
      return Reply.error(Errno.ENOENT);
    }
    Reply.Entry e = entry(n, spec);
    long fh = nextFh++;
    int backing = (int) spec.get("open_backing", spec.get("backing", 0));
    if (spec.backingAuto()) {
      backing = autoBackingFor(n, fh);
    }
    opened.put(fh, n);
    return new Reply.Create(e, new Reply.Open(fh, (int) spec.get("open_flags", 0), backing));
  }

  /**
   * MKNOD (fuse_mknod_in.mode carries the type), MKDIR and SYMLINK: the node is made in the lower
   * tree (EEXIST if the name exists). {@code new_backing=OPS}: the v2 test server's
   * do_lookup(..., setup_backing = true) registers a backing for the new file at once and names it
   * in the entry2 reply (its BACKING_OPEN error is the reply if it fails).
   */
  private Reply mknod(Request r, Lower.Node dir, ReplySpec spec) {
    int mode = r.opcode == Opcode.MKDIR ? Lower.S_IFDIR | (int) (r.args[0] & 07777)
        : r.opcode == Opcode.SYMLINK ? Lower.S_IFLNK | 0777 : (int) r.args[0];
    Lower.Node n = r.path == null ? null : k.lower.add(r.path, mode, 0);
    if (n == null) {
      return Reply.error(Errno.EEXIST);
    }
    n.target = r.target;
    if (n.target != null) {
      n.size = n.target.length();
    }
    return entryWithNewBacking(n, spec);
  }

  /** LINK(newdir, name, oldnodeid): a second name for the old node; the entry names it. */
  private Reply link(Request r, ReplySpec spec) {
    Lower.Node old = nodes.get(r.args[0]);
    if (old == null) {
      return Reply.error(Errno.ESTALE);
    }
    if (r.path == null || !k.lower.link(old, r.path)) {
      return Reply.error(old.isDir() ? Errno.EPERM : Errno.EEXIST);
    }
    old.ctime = k.now;
    return entryWithNewBacking(old, spec);
  }

  private Reply entryWithNewBacking(Lower.Node n, ReplySpec spec) {
    Long ops = spec.fields().get("new_backing");
    if (ops == null) {
      return entry(n, spec);
    }
    int id = k.backing.devIocBackingOpen(new BackingMap(BackingMap.Target.LOWER, n, 0, 0, ops), 0);
    if (id < 0) {
      return new Reply.Error(-id);
    }
    Map<String, Long> fields = new HashMap<>(spec.fields());
    fields.put("backing", (long) id);
    return entry(n, ReplySpec.of(spec.kind(), fields));
  }

  /**
   * READDIRPLUS: the directory's names, each with a fuse_entry_out (never entry2, and never a
   * backing: the v2 server's do_lookup(..., setup_backing = !plus), SEEN-libfuse) made as the
   * name's LOOKUP policy would make it (its timeouts and attributes; an error or negative policy
   * gives the default entry). "." and ".." get nodeid 0, as passthrough_hp sends them.
   */
  private Reply readdirplus(Request r, Lower.Node dir) {
    if (dir == null || !dir.isDir()) {
      return Reply.error(Errno.ENOTDIR);
    }
    List<String> all = new ArrayList<>(List.of(".", ".."));
    all.addAll(dir.children.keySet());
    int from = (int) Math.min(r.args[0], all.size());
    List<String> names = all.subList(from, all.size());
    List<Reply.Entry> entries = new ArrayList<>();
    for (String name : names) {
      Lower.Node child = name.equals(".") || name.equals("..") ? null : dir.children.get(name);
      if (child == null) {
        entries.add(new Reply.Entry(0, 0, 0, 0, null, 0));
        continue;
      }
      ReplySpec lookup = policies.getOrDefault(new Key(Opcode.LOOKUP, childPath(r, name)),
          ReplySpec.DEFAULT);
      Reply.Entry e = entry(child, lookup.kind() == ReplySpec.Kind.ENTRY ? lookup : ReplySpec.DEFAULT);
      entries.add(new Reply.Entry(e.nodeid(), e.generation(), e.entryValidNs(), e.attrValidNs(),
          e.attr(), 0)); // fuse_entry_out: full attributes, no backing_id
    }
    return new Reply.DirentsPlus(List.copyOf(names), entries, all.size());
  }

  private static String childPath(Request r, String name) {
    return r.path == null ? null : (r.path.equals("/") ? "" : r.path) + "/" + name;
  }

  /** The lower file READ and WRITE with this fh go to: the one its OPEN opened, else the nodeid's. */
  public Lower.Node fileOf(long nodeid, long fh) {
    return opened.getOrDefault(fh, nodes.get(nodeid));
  }

  /** Pending (held or unanswered) requests of {@code thread} with this opcode, oldest first. */
  public Request pendingOf(String thread, Opcode op) {
    for (Request r : k.log) {
      if (!r.answered() && op == r.opcode && thread.equals(r.thread)) {
        return r;
      }
    }
    return null;
  }

  /**
   * READLINK's reply: the link's body (the lower target), cut to a policy's {@code size} or
   * padded with NULs past the target (a path walk reads it up to the first NUL, as
   * nd_terminate_link() leaves it).
   */
  private static Reply readlink(String target, long size) {
    Bytes t = Bytes.of(target);
    return new Reply.Data(size, size <= t.length() ? t.slice(0, size) : t.concat(Bytes.zeros(size - t.length())));
  }
}
