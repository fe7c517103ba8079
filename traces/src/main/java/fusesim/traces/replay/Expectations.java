package fusesim.traces.replay;

import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.vfs.KFile;
import fusesim.model.fuse.Request;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.List;

/** Checks {@code expect} lines against the model (one method per kind, called by {@link World}). */
final class Expectations {
  private final String file;
  private final Kernel k;
  private final int mark;

  Expectations(String file, Kernel k, int mark) {
    this.file = file;
    this.k = k;
    this.mark = mark;
  }

  String no(Stmt.ExpectNo n) {
    for (Request r : since()) {
      if (r.opcode == n.opcode()) {
        return "expected no " + n.opcode() + ", found " + r.observable();
      }
    }
    return null;
  }

  /** The trace's requests since the mark: not the server's own (ServerOwnOpen). */
  private List<Request> since() {
    return k.log.subList(mark, k.log.size()).stream().filter(r -> !r.serverOwn).toList();
  }

  String requests(Stmt.ExpectRequests e) {
    List<String> want = new ArrayList<>();
    for (Stmt.Request r : e.requests()) {
      want.add(TracePrinter.canonicalRequest(r));
    }
    List<String> got = new ArrayList<>();
    for (Request r : since()) {
      got.add(r.observable());
    }
    return Requests.matches(want, got) ? null
        : "expected requests " + String.join(" ", want) + ", found " + (got.isEmpty() ? "none" : String.join(" ", got));
  }

  String inode(Stmt.ExpectInode e) {
    FuseInode fi = StepRunner.cachedInode(k, e.path().text());
    if (fi == null) {
      return "expected an inode at " + e.path().text() + ", found no cached dentry for it";
    }
    for (Item i : e.items()) {
      String got;
      switch (i.key()) {
        case "iocachectr": got = Integer.toString(fi.iocachectr); break;
        case "backing": got = fi.fb == null ? "none" : Integer.toString(fi.fb.label); break;
        case "nlookup": got = Long.toString(fi.nlookup); break;
        case "cache_io_mode": got = fi.test(FuseInode.FUSE_I_CACHE_IO_MODE) ? "1" : "0"; break;
        case "bad": got = fi.isBad() ? "1" : "0"; break;
        case "size": got = Long.toString(fi.attr.size()); break;
        case "mode": got = Long.toString(fi.attr.mode()); break;
        default: throw new IllegalArgumentException("unknown inode key " + i.key());
      }
      String v = compare(i, got);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  String backing(Stmt.ExpectBacking e) {
    FuseBacking fb = StepRunner.backingLabelled(k, e.id().value());
    if (fb == null) {
      return "expected backing " + e.id().value() + ", found no backing ever registered with that id";
    }
    for (Item i : e.items()) {
      String got;
      switch (i.key()) {
        case "refcount": got = Integer.toString(fb.count); break;
        case "freed": got = fb.freed ? "1" : "0"; break;
        default: got = k.fc.backingFilesMap.get(fb.label) == fb ? "1" : "0"; break;
      }
      String v = compare(i, got);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  String file(Stmt.ExpectFile e) {
    KFile f = StepRunner.file(k, e.fd().value());
    if (f == null) {
      return "expected an open fd " + e.fd().value() + ", found none";
    }
    for (Item i : e.items()) {
      String got = i.key().equals("iomode")
          ? f.ff.iomode.name().substring(4).toLowerCase()
          : f.ff.passthrough != null ? "1" : "0";
      String v = compare(i, got);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  String conn(Stmt.ExpectConn e) {
    for (Item i : e.items()) {
      String got;
      switch (i.key()) {
        case "passthrough": got = k.fc.passthrough ? "1" : "0"; break;
        case "max_stack_depth": got = Integer.toString(k.fc.maxStackDepth); break;
        default: got = k.fc.connected ? "1" : "0"; break;
      }
      String v = compare(i, got);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String compare(Item i, String got) {
    String want = i.value() instanceof Value.Sym ? ((Value.Sym) i.value()).name()
        : i.value() instanceof Value.Int ? Long.toString(((Value.Int) i.value()).value())
        : TracePrinter.value(i.value(), ",");
    return want.equals(got) ? null : "expected " + i.key() + "=" + want + ", found " + i.key() + "=" + got;
  }
}
