package fusesim.traces.replay;

import fusesim.model.vfs.Dentry;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.vfs.KFile;
import fusesim.model.Reply;
import fusesim.model.UserThread;
import fusesim.model.vfs.Vma;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compact view of the model's internal state, one line per object, so a replay can show what a
 * step changed (like a debugger's watch list) instead of dumping everything.
 */
final class StateView {
  private StateView() {}

  static Map<String, String> of(Kernel k) {
    Map<String, String> m = new TreeMap<>();
    if (!k.mounted) {
      return m;
    }
    m.put("conn", "passthrough=" + bit(k.fc.passthrough) + " connected=" + bit(k.fc.connected)
        + " ids=" + k.fc.backingFilesMap.keySet());
    for (FuseInode fi : k.allInodes) {
      String name = "inode " + fi.nodeid + (fi.hashed ? "" : " (unhashed #" + fi.serial + ")");
      m.put(name, "nlookup=" + fi.nlookup + " iocachectr=" + fi.iocachectr + " fb="
          + (fi.fb == null ? "none" : fi.fb.label) + " size=" + fi.attr.size()
          + (fi.test(FuseInode.FUSE_I_CACHE_IO_MODE) ? " CACHE_IO_MODE" : "")
          + (fi.isBad() ? " BAD" : "") + (fi.invalMask != 0 ? " attrs-invalid" : ""));
    }
    for (FuseBacking fb : k.allBackings) {
      m.put("backing " + fb.label, fb.freed ? "freed" : "refcount=" + fb.count
          + (k.fc.backingFilesMap.get(fb.label) == fb ? " registered" : " closed"));
    }
    for (Map.Entry<Integer, KFile> e : k.fds.entrySet()) {
      KFile f = e.getValue();
      m.put("fd " + e.getKey(), "inode " + f.ff.nodeid + " " + f.ff.iomode.name().substring(4).toLowerCase()
          + (f.ff.passthrough != null ? " passthrough(backing " + f.ff.passthroughLabel + ")" : "")
          + " open_flags=0x" + Integer.toHexString(f.ff.openFlags));
    }
    for (Vma v : k.vmas.values()) {
      m.put("map " + v.name, (v.shared ? "shared" : "private") + (v.backing != null ? " backing-file" : " page-cache"));
    }
    dentries(k, k.root, m);
    for (UserThread t : k.threads.values()) {
      if (t.task != null) {
        m.put("thread " + t.name, "blocked in " + t.task.name() + "() on "
            + (t.task.waitReq != null ? t.task.waitReq.observable() : String.valueOf(t.task.sleepOn.kind())));
      }
    }
    return m;
  }

  private static void dentries(Kernel k, Dentry d, Map<String, String> m) {
    if (d == null) {
      return;
    }
    for (Dentry c : d.children.values()) {
      String valid = c.time == Reply.INF ? "forever" : c.time >= k.now ? "until " + c.time + "ns" : "expired";
      m.put("dentry " + c.path(), (c.inode == null ? "negative" : "inode " + c.inode.nodeid) + ", valid " + valid);
      dentries(k, c, m);
    }
  }

  private static String bit(boolean b) {
    return b ? "1" : "0";
  }

  /** Lines "key: old -> new", "+key: new", "-key: old" for what changed. */
  static List<String> diff(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : after.entrySet()) {
      String old = before.get(e.getKey());
      if (old == null) {
        out.add("+ " + e.getKey() + ": " + e.getValue());
      } else if (!old.equals(e.getValue())) {
        out.add("~ " + e.getKey() + ": " + old + "  ->  " + e.getValue());
      }
    }
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        out.add("- " + e.getKey() + ": " + e.getValue());
      }
    }
    return out;
  }
}
