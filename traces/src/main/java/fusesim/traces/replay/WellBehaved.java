package fusesim.traces.replay;

import fusesim.model.Kernel;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.StmtVisitor;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Per kind of statement: null while it keeps the server well-behaved (passthrough_hp-like),
 * else why not. A new kind of statement must say which it is.
 */
final class WellBehaved implements StmtVisitor<String> {
  private static final Set<String> OPEN_FLAGS = Set.of("cached", "passthrough", "keep_cache",
      "direct_io", "parallel_direct_writes", "noflush");
  private static final Set<String> ENTRY_FIELDS = Set.of("entry_valid", "attr_valid", "backing", "statx_mask");
  /** Creation replies (MKNOD, SYMLINK, LINK; v2 14/21) may also set up a new backing. */
  private static final Set<String> CREATION_FIELDS = Set.of("entry_valid", "attr_valid", "backing",
      "statx_mask", "new_backing");
  private static final Set<ServerOp> CREATION_OPS = EnumSet.of(ServerOp.MKNOD, ServerOp.SYMLINK,
      ServerOp.LINK);
  private static final Set<String> LOWER_FIELDS = Set.of("ino", "size", "atime", "mtime", "ctime");
  /** Mount options a passthrough_hp-like server negotiates. */
  static final Set<MountOption> MOUNT_OPTIONS = EnumSet.of(MountOption.PASSTHROUGH,
      MountOption.PASSTHROUGH_INO, MountOption.DIRECT_IO_ALLOW_MMAP, MountOption.MAX_STACK_DEPTH,
      MountOption.PARALLEL_DIROPS, MountOption.NO_PARALLEL_DIROPS, MountOption.ATOMIC_O_TRUNC,
      MountOption.AUTO_INVAL_DATA, MountOption.EXPLICIT_INVAL_DATA, MountOption.READDIRPLUS,
      MountOption.READDIRPLUS_AUTO);

  private final Kernel k;
  private boolean allowMmap;

  WellBehaved(Kernel k) {
    this.k = k;
  }

  /** Whether the mount allows mmap of a FOPEN_DIRECT_IO file (direct_io_allow_mmap). */
  boolean allowMmap() {
    return allowMmap;
  }

  /** Null while {@code s} keeps the server well-behaved, else why not. */
  String why(Stmt s) {
    return s.accept(this);
  }

  @Override
  public String visitMount(Stmt.Mount m) {
    for (Stmt.MountArg a : m.options()) {
      if (!MOUNT_OPTIONS.contains(a.option())) {
        return "mount option " + a.option().word();
      }
      allowMmap |= a.option() == MountOption.DIRECT_IO_ALLOW_MMAP;
    }
    return null;
  }

  @Override
  public String visitLowerNode(Stmt.LowerNode s) {
    return null;
  }

  @Override
  public String visitLowerLink(Stmt.LowerLink s) {
    return null;
  }

  @Override
  public String visitLowerUnlink(Stmt.LowerUnlink s) {
    return null;
  }

  @Override
  public String visitLowerWrite(Stmt.LowerWrite s) {
    return null; // an outside writer: the file changes in size and times only
  }

  @Override
  public String visitLowerSet(Stmt.LowerSet s) {
    for (Item i : s.attrs()) {
      if (!LOWER_FIELDS.contains(i.key())) {
        return "a lower file's " + i.key() + " changed";
      }
      if (i.key().equals("ino") && k.fc.passthroughIno) {
        // a backing file keeps its inode number; in place, the ino rule (v2 01/21) would see it change
        return "a lower file's ino changed under FUSE_PASSTHROUGH_INO";
      }
    }
    return null;
  }

  @Override
  public String visitThreadDecl(Stmt.ThreadDecl s) {
    return null;
  }

  @Override
  public String visitServerPolicy(Stmt.ServerPolicy p) {
    return policy(p.op(), p.reply(), "server " + p.op().word() + " " + p.path().text());
  }

  @Override
  public String visitServerHold(Stmt.ServerHold s) {
    return null;
  }

  @Override
  public String visitServerUnhold(Stmt.ServerUnhold s) {
    return null;
  }

  @Override
  public String visitServerReply(Stmt.ServerReply r) {
    return r.reply().isPresent() ? "an explicit reply to " + r.thread().text() + "'s " + r.op().word() : null;
  }

  @Override
  public String visitBackingOpen(Stmt.BackingOpen b) {
    if (!(b.target() instanceof Stmt.LowerTarget)) {
      return "backing_open of something else than a lower file";
    }
    for (Item i : b.params()) {
      if (!i.key().equals("ops")) {
        return "backing_open with " + i.key();
      }
    }
    return null;
  }

  @Override
  public String visitBackingClose(Stmt.BackingClose s) {
    return null;
  }

  @Override
  public String visitServerLike(Stmt.ServerLike s) {
    return null; // a real daemon's answers: its errors (ENODATA, ENOSYS) are consistent, never lost
  }

  @Override
  public String visitServerCrash(Stmt.ServerCrash s) {
    return "the server crashed";
  }

  @Override
  public String visitServerFault(Stmt.ServerFault s) {
    return "a faulted reply on the wire";
  }

  @Override
  public String visitServerNotify(Stmt.ServerNotify s) {
    return null;
  }

  @Override
  public String visitCall(Stmt.Call s) {
    return null;
  }

  @Override
  public String visitUnfinished(Stmt.Unfinished s) {
    return null;
  }

  @Override
  public String visitResumed(Stmt.Resumed s) {
    return null;
  }

  @Override
  public String visitTick(Stmt.Tick s) {
    return null;
  }

  @Override
  public String visitEvict(Stmt.Evict s) {
    return null;
  }

  @Override
  public String visitDropCaches(Stmt.DropCaches s) {
    return null;
  }

  @Override
  public String visitUmount(Stmt.Umount s) {
    return "umount";
  }

  @Override
  public String visitExpectRequests(Stmt.ExpectRequests s) {
    return null;
  }

  @Override
  public String visitExpectNo(Stmt.ExpectNo s) {
    return null;
  }

  @Override
  public String visitExpectInode(Stmt.ExpectInode s) {
    return null;
  }

  @Override
  public String visitExpectBacking(Stmt.ExpectBacking s) {
    return null;
  }

  @Override
  public String visitExpectFile(Stmt.ExpectFile s) {
    return null;
  }

  @Override
  public String visitExpectConn(Stmt.ExpectConn s) {
    return null;
  }

  private static String policy(ServerOp op, fusesim.traces.lang.ReplyClause r, String what) {
    if (r instanceof fusesim.traces.lang.ReplyClause.Default) {
      return null;
    }
    if (r instanceof fusesim.traces.lang.ReplyClause.Fails) {
      return what + " injects an error";
    }
    if (r instanceof fusesim.traces.lang.ReplyClause.Open) {
      fusesim.traces.lang.ReplyClause.Open open = (fusesim.traces.lang.ReplyClause.Open) r;
      List<String> terms = open.flags().terms();
      if (!OPEN_FLAGS.containsAll(terms) || (terms.contains("passthrough") && terms.contains("keep_cache"))) {
        return what + " replies " + String.join(",", terms);
      }
      for (Item i : open.items()) {
        if (!i.key().equals("backing")) {
          return what + " sets " + i.key();
        }
      }
      return null;
    }
    fusesim.traces.lang.ReplyClause.Fields f = (fusesim.traces.lang.ReplyClause.Fields) r;
    boolean creation = CREATION_OPS.contains(op);
    if (!(op == ServerOp.LOOKUP || creation) || f.kind() != ReplyKind.ENTRY) {
      return what + " replies " + f.kind().name().toLowerCase();
    }
    for (Item i : f.items()) {
      if (!(creation ? CREATION_FIELDS : ENTRY_FIELDS).contains(i.key())) {
        return what + " sets " + i.key();
      }
    }
    return null;
  }
}
