package fusesim.explore;

import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a path of {@link IoCore} actions as trace statements, with the outcomes the core
 * predicts (fd numbers, EIO, backing ids), so that every core counterexample is a trace that
 * {@code fusesim replay} reproduces on the full model, and so that the core can be checked
 * against the full model statement by statement.
 *
 * <p>The core's states are canonical (inodes sorted, backing slots renamed); the renderer replays
 * the path the way the explorer took it, canonicalising after every action, and keeps the map from
 * canonical positions to concrete files ({@code /f1}, {@code /f2}, ...) and ids. Concrete names:
 * lower files {@code /fN} (ino 10+N, 4096 bytes), the backing target {@code /bk} (ino 10), threads
 * {@code T1..Tn} (a new call goes to the lowest idle thread), fds from 3 (the lowest free one).
 */
public final class CoreTrace {
  /**
   * @param lines the statements, world prefix first
   * @param effectLine for each action, the index in {@code lines} of the statement that runs it
   * @param violation the first invariant broken (core's view), or null
   * @param violationAction the action index that broke it, or -1
   */
  public record Rendered(List<String> lines, int[] effectLine, String violation, int violationAction,
      String detail) {
    /** The statements as parsed trace statements. */
    public List<Stmt> stmts() {
      return parse(lines);
    }
  }

  private CoreTrace() {}

  /** The world every core trace starts from. */
  public static List<String> world(IoCore core) {
    List<String> w = new ArrayList<>();
    w.add("mount passthrough");
    w.add("lower file /bk ino=10 size=4096");
    for (int i = 0; i < core.inodes; i++) {
      w.add("lower file " + file(i) + " ino=" + (11 + i) + " size=4096");
    }
    return w;
  }

  static String file(int inode) {
    return "/f" + (inode + 1);
  }

  /** Renders {@code path} from the initial state; stops after the first violation. */
  public static Rendered render(IoCore core, int[] path) {
    List<String> lines = new ArrayList<>(world(core));
    int[] effect = new int[path.length];
    IoCore.World w = core.newWorld();
    long[] s = core.initial();
    core.unpack(s, 0, w);
    int[] posToInode = new int[core.inodes];
    for (int i = 0; i < core.inodes; i++) {
      posToInode[i] = i;
    }
    int[] slotToId = new int[core.backings];
    int nextId = 1;
    int[] perm = new int[core.inodes + core.backings];
    IoCore.Effect e = new IoCore.Effect();
    // concrete bookkeeping
    TreeSet<Integer> usedFds = new TreeSet<>();
    Map<Integer, TreeSet<Integer>> cachedFds = new HashMap<>(), ptFds = new HashMap<>(), dioFds = new HashMap<>();
    TreeMap<String, Integer> writing = new TreeMap<>(); // thread -> fd
    TreeMap<String, Integer> writingInode = new TreeMap<>();
    TreeMap<String, Integer> waiting = new TreeMap<>(); // thread -> inode
    String[] policy = new String[core.inodes];
    boolean held = false;
    for (int k = 0; k < path.length; k++) {
      int a = path[k];
      IoCore.Kind kind = core.kind(a);
      int pos = core.inodeOf(a);
      int inode = pos >= 0 ? posToInode[pos] : -1;
      int slot = core.slotOf(a);
      int r = core.apply(w, a, e);
      if (r == IoCore.DISABLED) {
        throw new IllegalArgumentException("action " + a + " (" + kind + ") is not enabled at step " + (k + 1));
      }
      switch (kind) {
        case BACKING_OPEN:
          slotToId[e.slot] = nextId;
          effect[k] = lines.size();
          lines.add("server backing_open /bk = " + nextId);
          nextId++;
          break;
        case BACKING_CLOSE:
          effect[k] = lines.size();
          lines.add("server backing_close " + slotToId[slot] + " = 0");
          break;
        case OPEN_CACHED:
        case OPEN_PASSTHROUGH:
        case OPEN_DIO: {
          String pol = kind == IoCore.Kind.OPEN_CACHED ? "cached"
              : kind == IoCore.Kind.OPEN_DIO ? "direct_io,parallel_direct_writes"
              : "passthrough backing=" + slotToId[slot];
          if (!pol.equals(policy[inode])) {
            lines.add("server open " + file(inode) + " " + pol);
            policy[inode] = pol;
          }
          String t = idleThread(core, writing, waiting);
          String call = t + " open(\"" + file(inode) + "\", " + (kind == IoCore.Kind.OPEN_DIO ? "O_RDWR" : "O_RDONLY");
          effect[k] = lines.size();
          if (e.openResult == 0) {
            int fd = lowestFree(usedFds);
            (kind == IoCore.Kind.OPEN_CACHED ? cachedFds : kind == IoCore.Kind.OPEN_DIO ? dioFds : ptFds)
                .computeIfAbsent(inode, x -> new TreeSet<>()).add(fd);
            lines.add(call + ") = " + fd);
          } else if (e.openResult < 0) {
            lines.add(call + ") = -1 EIO");
          } else {
            waiting.put(t, inode);
            lines.add(call + " <unfinished ...>");
          }
          break;
        }
        case CLOSE_CACHED:
        case CLOSE_PASSTHROUGH:
        case CLOSE_DIO: {
          Map<Integer, TreeSet<Integer>> m = kind == IoCore.Kind.CLOSE_CACHED ? cachedFds
              : kind == IoCore.Kind.CLOSE_PASSTHROUGH ? ptFds : dioFds;
          int fd = m.get(inode).pollFirst();
          usedFds.remove(fd);
          String t = idleThread(core, writing, waiting);
          effect[k] = lines.size();
          lines.add(t + " close(" + fd + ") = 0");
          resumeWaiters(lines, waiting, inode, e.woke, usedFds, cachedFds);
          break;
        }
        case DIO_WRITE: {
          if (!held) {
            lines.add("server hold write");
            held = true;
          }
          TreeSet<Integer> busy = new TreeSet<>(writing.values());
          int fd = -1;
          for (int f : dioFds.get(inode)) {
            if (fd < 0 && !busy.contains(f)) {
              fd = f;
            }
          }
          String t = idleThread(core, writing, waiting);
          writing.put(t, fd);
          writingInode.put(t, inode);
          effect[k] = lines.size();
          lines.add(t + " pwrite(" + fd + ", 1, 0 <unfinished ...>");
          break;
        }
        case WRITE_REPLY: {
          String t = null;
          for (Map.Entry<String, Integer> en : writingInode.entrySet()) {
            if (t == null && en.getValue() == inode) {
              t = en.getKey();
            }
          }
          effect[k] = lines.size();
          lines.add("server reply " + t + " write");
          lines.add(t + " <... pwrite resumed>) = 1");
          writing.remove(t);
          writingInode.remove(t);
          resumeWaiters(lines, waiting, inode, e.woke, usedFds, cachedFds);
          break;
        }
        default:
          throw new IllegalStateException(kind.toString());
      }
      if (r >= 0) {
        int[] eff = java.util.Arrays.copyOf(effect, k + 1);
        return new Rendered(List.copyOf(lines.subList(0, eff[k] + 1)), eff, IoCore.INVARIANTS.get(r), k, e.detail);
      }
      // continue from the canonical state, as the explorer does
      core.pack(w, s, 0, perm);
      int[] p2 = new int[core.inodes];
      for (int i = 0; i < core.inodes; i++) {
        p2[i] = posToInode[perm[i]];
      }
      posToInode = p2;
      int[] ids = new int[core.backings];
      for (int b = 0; b < core.backings; b++) {
        ids[b] = slotToId[perm[core.inodes + b]];
      }
      slotToId = ids;
      core.unpack(s, 0, w);
    }
    return new Rendered(List.copyOf(lines), effect, null, -1, null);
  }

  private static void resumeWaiters(List<String> lines, TreeMap<String, Integer> waiting, int inode, int woke,
      TreeSet<Integer> usedFds, Map<Integer, TreeSet<Integer>> cachedFds) {
    int n = 0;
    for (String t : new ArrayList<>(waiting.keySet())) {
      if (waiting.get(t) == inode && n < woke) {
        int fd = lowestFree(usedFds);
        cachedFds.computeIfAbsent(inode, x -> new TreeSet<>()).add(fd);
        lines.add(t + " <... open resumed>) = " + fd);
        waiting.remove(t);
        n++;
      }
    }
  }

  private static String idleThread(IoCore core, Map<String, Integer> writing, Map<String, Integer> waiting) {
    for (int t = 1; t <= core.threads; t++) {
      String name = "T" + t;
      if (!writing.containsKey(name) && !waiting.containsKey(name)) {
        return name;
      }
    }
    throw new IllegalStateException("no idle thread");
  }

  private static int lowestFree(TreeSet<Integer> used) {
    int fd = 3;
    while (used.contains(fd)) {
      fd++;
    }
    used.add(fd);
    return fd;
  }

  /** Parses statement lines (a header is added and dropped). */
  public static List<Stmt> parse(List<String> lines) {
    StringBuilder sb = new StringBuilder("trace: core\nresult: pass\n\n");
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    Trace t = TraceParser.parse("core.trace", sb.toString());
    return t.body();
  }
}
