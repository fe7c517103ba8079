package fusesim.report.itf;

import fusesim.model.Kernel;
import fusesim.model.Reply;
import fusesim.model.UserThread;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.Vma;
import fusesim.report.itf.Itf.Rec;
import fusesim.report.itf.Json.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's observable state as ITF variables (the list is {@link #VARS}; report/README.md
 * describes each). The same objects {@code fusesim replay} shows changing (the replay's state
 * view), as values a model checker's trace viewer can read: what the invariants are about
 * (nlookup, iocachectr, io modes, fuse_backing refcounts, dentries), not every model field.
 */
public final class ItfState {
  private ItfState() {}

  /** The state variables, in the order every state writes them. */
  public static final List<String> VARS = List.of("conn", "inodes", "files", "backings", "dentries",
      "maps", "blocked");

  /** The variables for the kernel as it is now. */
  public static Map<String, Node> of(Kernel k) {
    Map<String, Node> m = new LinkedHashMap<>();
    m.put("conn", conn(k));
    m.put("inodes", inodes(k));
    m.put("files", files(k));
    m.put("backings", backings(k));
    m.put("dentries", dentries(k));
    m.put("maps", maps(k));
    m.put("blocked", blocked(k));
    return m;
  }

  /** The fuse_conn: mounted, connected, FUSE_PASSTHROUGH negotiated, the registered backing ids. */
  private static Node conn(Kernel k) {
    List<Node> ids = new ArrayList<>();
    k.fc.backingFilesMap.keySet().forEach(id -> ids.add(Itf.bigint(id)));
    return new Rec().put("mounted", k.mounted).put("connected", k.fc.connected)
        .put("passthrough", k.fc.passthrough).put("backingIds", Itf.set(ids)).build();
  }

  /** Every fuse_inode the model has allocated and not freed, hashed or not, in allocation order. */
  private static Node inodes(Kernel k) {
    List<Node> out = new ArrayList<>();
    for (FuseInode fi : k.allInodes) {
      out.add(new Rec().put("nodeid", fi.nodeid).put("serial", fi.serial).put("hashed", fi.hashed)
          .put("evicted", fi.evicted).put("nlookup", fi.nlookup).put("iocachectr", fi.iocachectr)
          .put("backing", fi.fb == null ? "none" : Integer.toString(fi.fb.label))
          .put("cacheIoMode", fi.test(FuseInode.FUSE_I_CACHE_IO_MODE)).put("bad", fi.isBad())
          .put("size", fi.attr.size()).put("attrsInvalid", fi.invalMask != 0).build());
    }
    return Itf.list(out);
  }

  /** Open files by fd: the inode, the file's io mode, its passthrough backing, its open flags. */
  private static Node files(Kernel k) {
    Map<Node, Node> m = new LinkedHashMap<>();
    for (Map.Entry<Integer, KFile> e : k.fds.entrySet()) {
      KFile f = e.getValue();
      m.put(Itf.bigint(e.getKey()), new Rec().put("nodeid", f.ff.nodeid)
          .put("iomode", f.ff.iomode.name().substring(4).toLowerCase())
          .put("passthroughBacking", f.ff.passthrough != null ? Integer.toString(f.ff.passthroughLabel) : "none")
          .put("openFlags", f.ff.openFlags).build());
    }
    return Itf.map(m);
  }

  /** Every fuse_backing by its label: refcount and registered / closed / freed. */
  private static Node backings(Kernel k) {
    Map<Node, Node> m = new LinkedHashMap<>();
    for (FuseBacking fb : k.allBackings) {
      String state = fb.freed ? "freed" : k.fc.backingFilesMap.get(fb.label) == fb ? "registered" : "closed";
      m.put(Itf.str(Integer.toString(fb.label)), new Rec().put("refcount", fb.freed ? 0 : fb.count)
          .put("state", state).build());
    }
    return Itf.map(m);
  }

  /** The dcache below the root, by path: positive (nodeid) or negative, and until when valid. */
  private static Node dentries(Kernel k) {
    Map<Node, Node> m = new LinkedHashMap<>();
    if (k.mounted) {
      dentries(k, k.root, m);
    }
    return Itf.map(m);
  }

  private static void dentries(Kernel k, Dentry d, Map<Node, Node> m) {
    if (d == null) {
      return;
    }
    for (Dentry c : d.children.values()) {
      String valid = c.time == Reply.INF ? "forever" : c.time >= k.now ? "valid" : "expired";
      m.put(Itf.str(c.path()), new Rec().put("negative", c.inode == null)
          .put("nodeid", c.inode == null ? 0 : c.inode.nodeid).put("valid", valid)
          .put("untilNs", c.time == Reply.INF ? -1 : c.time).build());
      dentries(k, c, m);
    }
  }

  /** mmap regions by name: shared or private, on the backing file or the page cache. */
  private static Node maps(Kernel k) {
    Map<Node, Node> m = new LinkedHashMap<>();
    for (Vma v : k.vmas.values()) {
      m.put(Itf.str(v.name), new Rec().put("shared", v.shared).put("backingFile", v.backing != null).build());
    }
    return Itf.map(m);
  }

  /** Threads blocked in a syscall: where, and on what. */
  private static Node blocked(Kernel k) {
    Map<Node, Node> m = new LinkedHashMap<>();
    for (UserThread t : k.threads.values()) {
      if (t.task != null) {
        m.put(Itf.str(t.name), Itf.str(t.task.name() + "() on "
            + (t.task.waitReq != null ? t.task.waitReq.observable() : String.valueOf(t.task.sleepOn.kind()))));
      }
    }
    return Itf.map(m);
  }
}
