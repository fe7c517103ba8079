package fusesim.properties;

import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.UserThread;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Inode;
import fusesim.model.fuse.Request;
import fusesim.model.series.Assumption;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The registry of known findings ({@code traces/corpus/findings/*.finding}): kernel (or series)
 * behaviours that break an invariant by design of the kernel, written up, each with the corpus
 * trace that pins it. {@code check}, {@code explore} and {@code bisect} match every violation
 * against it: a known one is counted in its own table and does not fail the run; anything else
 * does.
 *
 * <p>A signature is data (the invariant, the kernel function, the shape of the shortest trace,
 * the traces) plus the name of an <em>explainer</em>, the one piece of code: a predicate over the
 * run that says whether the finding's mechanism accounts for the whole violation. A violation
 * that the mechanism explains only in part (a planted fault on top of a finding, say) is new.
 *
 * <ul>
 *   <li>{@code entry-eio-no-forget} (NLOOKUP-BALANCE; {@code ops:} the opcodes): the run is
 *       replayed step by step and the lookup debt d(N) = server count - kernel nlookup is followed
 *       for every nodeid. The violation is known iff d(N) never falls, and grows at a step by
 *       at most the number of entry replies naming N, answered in that step and not repaid by a
 *       FORGET(N, 1) sent after them in it (before any other entry reply naming N), that the kernel may discard with EIO before
 *       fuse_iget and without a FORGET (at most: a revalidation reply naming the dentry's own
 *       nodeid takes its lookup before it checks the attributes): a LOOKUP reply with invalid attributes
 *       (fuse_lookup_name, fuse_dentry_revalidate: fuse_invalid_attr); a CREATE reply that is not
 *       a regular file, names nodeid 1 or has invalid attributes (fuse_create_open); a MKNOD,
 *       MKDIR, SYMLINK or LINK reply whose caller got EIO in that step (create_new_entry: bad
 *       nodeid, invalid attributes or another file type). The finding reported is the one whose
 *       {@code ops:} has the opcode of the first such discard.</li>
 *   <li>{@code ino-rule-shared-backing} (INO-MAP): under A1=attr-ino, two hashed, good fuse
 *       inodes with different nodeids share one lifetime backing, and both have the backing's
 *       inode number as attr.ino (the ino rule compared attr.ino, not the nodeid).</li>
 *   <li>{@code mmap-enodev-lifetime-backing} (LIVENESS-WB): the failed call is an mmap refused
 *       with ENODEV on a file opened without FOPEN_PASSTHROUGH, whose inode holds a lifetime
 *       backing and has no passthrough open (fuse_file_mmap: fuse_inode_backing()).</li>
 * </ul>
 */
public final class KnownFindings {
  /** One finding's signature, as its {@code .finding} file states it. */
  public record Finding(String id, String invariant, String explainer, Set<Opcode> ops, String kernel,
      String shape, List<String> traces, Path file) {}

  /** The explainers a signature may name. */
  public static final List<String> EXPLAINERS = List.of("entry-eio-no-forget", "ino-rule-shared-backing",
      "mmap-enodev-lifetime-backing");

  private static final boolean DEBUG = System.getenv("FUSESIM_KNOWN_DEBUG") != null;

  /** Limits: a registry is small. */
  static final int MAX_FINDINGS = 200;
  static final int MAX_FILE_CHARS = 20_000;

  private final List<Finding> findings;

  private KnownFindings(List<Finding> findings) {
    this.findings = List.copyOf(findings);
  }

  public static KnownFindings none() {
    return new KnownFindings(List.of());
  }

  public List<Finding> all() {
    return findings;
  }

  public boolean isEmpty() {
    return findings.isEmpty();
  }

  public Finding byId(String id) {
    for (Finding f : findings) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Loads every {@code .finding} file of {@code dir} (sorted by name); none if {@code dir} does
   * not exist. A malformed file is an IllegalArgumentException with one line
   * {@code file:line:col: expected ..., found ...}.
   */
  public static KnownFindings load(Path dir) {
    if (!Files.isDirectory(dir)) {
      return none();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".finding")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.size() > MAX_FINDINGS) {
      throw new IllegalArgumentException(dir + ": at most " + MAX_FINDINGS + " findings, found " + files.size());
    }
    List<Finding> out = new ArrayList<>();
    for (Path p : files) {
      String text;
      try {
        text = Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Finding f = parse(p, text);
      for (Finding g : out) {
        if (g.id().equals(f.id())) {
          throw new IllegalArgumentException(p + ":1:1: expected a new finding id, found '" + f.id()
              + "' (also in " + g.file() + ")");
        }
      }
      out.add(f);
    }
    return new KnownFindings(out);
  }

  private static final List<String> KEYS = List.of("finding", "invariant", "explainer", "ops", "kernel", "shape",
      "trace", "doc");

  /** Parses one signature: {@code key: value} lines ({@code trace:} and {@code doc:} repeatable). */
  static Finding parse(Path file, String text) {
    if (text.length() > MAX_FILE_CHARS) {
      throw new IllegalArgumentException(file + ":1:1: expected at most " + MAX_FILE_CHARS + " characters, found "
          + text.length());
    }
    Map<String, String> one = new HashMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    List<String> traces = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      int c = l.indexOf(':');
      String key = c < 0 ? l.trim() : l.substring(0, c).trim();
      if (c < 0 || !KEYS.contains(key)) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ":1: expected one of " + String.join(", ", KEYS)
            + " followed by ':', found '" + abbreviate(l) + "'");
      }
      String value = l.substring(c + 1).trim();
      if (value.isEmpty() && !key.equals("doc")) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ":" + (c + 2) + ": expected a value after '"
            + key + ":', found the end of the line");
      }
      if (key.equals("trace")) {
        traces.add(value);
      } else if (!key.equals("doc")) {
        if (one.containsKey(key)) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ":1: expected one '" + key + ":' line, found a "
              + "second");
        }
        one.put(key, value);
        lineOf.put(key, i + 1);
      }
    }
    for (String k : List.of("finding", "invariant", "explainer", "kernel", "shape")) {
      if (!one.containsKey(k)) {
        throw new IllegalArgumentException(file + ":" + lines.length + ":1: expected a '" + k + ":' line, found "
            + "none");
      }
    }
    if (traces.isEmpty()) {
      throw new IllegalArgumentException(file + ":" + lines.length + ":1: expected a 'trace:' line (the corpus trace "
          + "that pins the finding), found none");
    }
    String id = one.get("finding");
    if (!id.matches("[A-Z0-9][A-Z0-9-]*")) {
      throw new IllegalArgumentException(file + ":" + lineOf.get("finding") + ":10: expected an id in capitals and "
          + "dashes, found '" + id + "'");
    }
    String explainer = one.get("explainer");
    if (!EXPLAINERS.contains(explainer)) {
      throw new IllegalArgumentException(file + ":" + lineOf.get("explainer") + ":12: expected "
          + String.join(" or ", EXPLAINERS) + ", found '" + explainer + "'");
    }
    Set<Opcode> ops = EnumSet.noneOf(Opcode.class);
    if (one.containsKey("ops")) {
      for (String o : one.get("ops").split("[,\\s]+")) {
        Opcode op = Opcode.parse(o).orElse(null);
        if (op == null) {
          throw new IllegalArgumentException(file + ":" + lineOf.get("ops") + ":6: expected an opcode (LOOKUP, "
              + "MKNOD, ...), found '" + o + "'");
        }
        ops.add(op);
      }
    }
    if (explainer.equals("entry-eio-no-forget") && ops.isEmpty()) {
      throw new IllegalArgumentException(file + ":" + lines.length + ":1: expected an 'ops:' line (the opcodes "
          + "whose discarded replies it covers), found none");
    }
    return new Finding(id, one.get("invariant"), explainer, ops, one.get("kernel"), one.get("shape"),
        List.copyOf(traces), file);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /**
   * The known finding that explains {@code v}, the first violation of {@code stmts} (the
   * sequence up to and including the violating statement) under {@code setup}, or null if none
   * does (a new violation). Replays the sequence on a fresh model.
   */
  public Finding match(Setup setup, List<Stmt> stmts, Session.Violation v) {
    if (v == null || findings.isEmpty()) {
      return null;
    }
    boolean any = false;
    for (Finding f : findings) {
      any |= f.invariant().equals(v.invariant());
    }
    if (!any) {
      return null;
    }
    try {
      return replayAndExplain(setup, stmts, v);
    } catch (RuntimeException e) {
      return null; // a sequence that does not replay is not explained
    }
  }

  private Finding replayAndExplain(Setup setup, List<Stmt> stmts, Session.Violation v) {
    Session s = new Session(setup, false);
    Kernel k = s.kernel();
    Debt debt = new Debt(k);
    for (int i = 0; i <= v.index() && i < stmts.size(); i++) {
      s.exec(stmts.get(i));
      debt.step();
    }
    for (Finding f : findings) {
      if (!f.invariant().equals(v.invariant())) {
        continue;
      }
      if (f.explainer().equals("entry-eio-no-forget") && debt.explained() && f.ops().contains(debt.firstOp)) {
        return f;
      }
      if (f.explainer().equals("ino-rule-shared-backing") && sharedBackingByInoRule(k)) {
        return f;
      }
      if (f.explainer().equals("mmap-enodev-lifetime-backing") && v.index() < stmts.size()
          && mmapRefusedByLifetimeBacking(k, stmts.get(v.index()))) {
        return f;
      }
    }
    return null;
  }

  /** Follows the lookup debt per nodeid and what explains each change of it. */
  private static final class Debt {
    private final Kernel k;
    /** Log indices of requests not answered yet. */
    private final List<Integer> pending = new ArrayList<>();
    private int logSeen;
    private Map<Long, Long> prev = Map.of();
    private final Map<Long, Long> explainedDebt = new TreeMap<>();
    private boolean unexplained;
    private boolean tracking = true;
    Opcode firstOp;

    Debt(Kernel k) {
      this.k = k;
    }

    void step() {
      // FORGET(N, 1) sent in this step after a reply naming N repays it: a revalidation's reply
      // naming another nodeid (fuse_dentry_revalidate queues that forget), or under v2 14/21 a
      // creation whose backing attach failed after fuse_iget (the new inode is evicted)
      List<Integer> forgets = new ArrayList<>();
      for (; logSeen < k.log.size(); logSeen++) {
        Request r = k.log.get(logSeen);
        pending.add(logSeen);
        if (r.opcode == Opcode.FORGET && r.args.length > 0 && r.args[0] == 1) {
          forgets.add(logSeen);
        }
      }
      Map<Long, Long> discarded = new HashMap<>();
      List<Opcode> ops = new ArrayList<>();
      for (java.util.Iterator<Integer> it = pending.iterator(); it.hasNext();) {
        int at = it.next();
        Request r = k.log.get(at);
        if (!r.answered()) {
          continue;
        }
        it.remove();
        long n = discardedNodeid(r);
        if (n != 0 && repaid(n, at, forgets)) {
          n = 0;
        }
        if (n != 0) {
          discarded.merge(n, 1L, Long::sum);
          ops.add(r.opcode);
        }
      }
      if (!tracking) {
        return;
      }
      if (!k.mounted) {
        return; // before the mount nothing is owed
      }
      if (k.unmounted || !k.fc.connected || !k.server.alive) {
        tracking = false; // NLOOKUP-BALANCE says nothing from here on
        return;
      }
      Map<Long, Long> cur = debt(k);
      java.util.Set<Long> ids = new java.util.TreeSet<>(cur.keySet());
      ids.addAll(prev.keySet());
      ids.addAll(discarded.keySet());
      for (Long n : ids) {
        long delta = cur.getOrDefault(n, 0L) - prev.getOrDefault(n, 0L);
        long d = discarded.getOrDefault(n, 0L);
        // a revalidation reply naming the same nodeid takes its lookup (fi->nlookup++) before
        // fuse_invalid_attr: so a step's discards bound the debt's growth, not fix it
        if (delta < 0 || delta > d) {
          if (DEBUG) {
            System.err.println("known-findings: nodeid " + n + " debt changed by " + delta + ", " + d
                + " discarded reply(s) explain it; log " + k.log);
          }
          unexplained = true;
        } else if (delta != 0) {
          explainedDebt.merge(n, delta, Long::sum);
        }
      }
      if (firstOp == null && !ops.isEmpty()) {
        firstOp = ops.get(0);
      }
      prev = cur;
    }

    boolean explained() {
      if (unexplained || !tracking || prev.isEmpty()) {
        return false;
      }
      Map<Long, Long> want = new TreeMap<>();
      explainedDebt.forEach((n, d) -> {
        if (d != 0) {
          want.put(n, d);
        }
      });
      return want.equals(new TreeMap<>(prev));
    }

    /**
     * Consumes a FORGET(n, 1) logged after index {@code at} in this step, if there is one and it
     * is this reply's: a forget follows the reply it repays (the revalidation queues it at once,
     * the failed attach evicts the new inode at once), so another entry reply naming n logged
     * between them owns it (a creation discarded with EIO, then a lookup of n whose attach failed:
     * the forget is the lookup's, and the creation's lookup stays owed).
     */
    private boolean repaid(long n, int at, List<Integer> forgets) {
      for (java.util.Iterator<Integer> it = forgets.iterator(); it.hasNext();) {
        int f = it.next();
        if (f > at && k.log.get(f).nodeid == n) {
          if (entryNaming(n, at + 1, f)) {
            return false;
          }
          it.remove();
          return true;
        }
      }
      return false;
    }

    /** The entry of an entry or create reply, else null. */
    private static Reply.Entry entryOf(Reply reply) {
      return reply instanceof Reply.Entry ? (Reply.Entry) reply
          : reply instanceof Reply.Create ? ((Reply.Create) reply).entry() : null;
    }

    /** Whether an answered entry reply naming {@code n} is logged at an index in [from, to). */
    private boolean entryNaming(long n, int from, int to) {
      for (int i = from; i < to; i++) {
        Reply.Entry e = entryOf(k.log.get(i).reply);
        if (e != null && e.nodeid() == n) {
          return true;
        }
      }
      return false;
    }

    /** The nodeid of an entry reply the kernel discarded without FORGET, or 0. */
    private long discardedNodeid(Request r) {
      Reply.Entry e = entryOf(r.reply);
      if (e == null || e.nodeid() == 0) {
        return 0;
      }
      int type = e.attr().mode() & Lower.S_IFMT;
      switch (r.opcode) {
        case LOOKUP:
          return FuseInode.fuseInvalidAttr(e.attr()) ? e.nodeid() : 0; // fuse_lookup_name, fuse_dentry_revalidate
        case CREATE:
          return type != Lower.S_IFREG || e.nodeid() == 1 || FuseInode.fuseInvalidAttr(e.attr()) ? e.nodeid() : 0;
        case MKNOD:
        case MKDIR:
        case SYMLINK:
        case LINK: {
          UserThread t = r.thread == null ? null : k.threads.get(r.thread);
          boolean eio = t != null && t.task == null && t.lastResult != null
              && t.lastResult.value() == -fusesim.model.Errno.EIO.value;
          return eio ? e.nodeid() : 0; // create_new_entry
        }
        default:
          return 0;
      }
    }
  }

  /** Server count minus kernel nlookup, per nodeid, nonzero entries only. */
  private static Map<Long, Long> debt(Kernel k) {
    Map<Long, Long> d = new TreeMap<>();
    k.server.nlookup.forEach((n, c) -> d.merge(n, c, Long::sum));
    for (FuseInode fi : k.allInodes) {
      if (fi.nlookup != 0) {
        d.merge(fi.nodeid, -fi.nlookup, Long::sum);
      }
    }
    d.values().removeIf(x -> x == 0);
    return d;
  }

  /** Two hashed good inodes, other nodeids, one lifetime backing, both attr.ino = its ino, A1=attr-ino. */
  private static boolean sharedBackingByInoRule(Kernel k) {
    if (!k.fc.passthroughIno || !k.sem.is(Assumption.INO_RULE, "attr-ino")) {
      return false;
    }
    Map<FuseBacking, FuseInode> owner = new java.util.IdentityHashMap<>();
    for (FuseInode fi : k.allInodes) {
      FuseBacking fb = k.inodePt.fuseInodePassthrough(fi);
      if (fb == null || fi.isBad() || !fi.hashed) {
        continue;
      }
      FuseInode other = owner.putIfAbsent(fb, fi);
      if (other != null && other.nodeid != fi.nodeid && other.attr.ino() == fb.file.ino
          && fi.attr.ino() == fb.file.ino) {
        return true;
      }
    }
    return false;
  }

  /**
   * The violating statement is an mmap that failed with ENODEV on a file opened without
   * FOPEN_PASSTHROUGH, of an inode that holds a lifetime backing and has no passthrough open:
   * fuse_file_mmap's fuse_inode_backing() check, which the lifetime backing (v2 07/21, 13/21)
   * makes true for every open of the inode.
   */
  private static boolean mmapRefusedByLifetimeBacking(Kernel k, Stmt s) {
    if (!(s instanceof Stmt.Call c) || c.syscall() != fusesim.traces.lang.Syscall.MMAP
        || !(c.args().get(0) instanceof fusesim.traces.lang.Value.Int fd)) {
      return false;
    }
    UserThread t = k.threads.get(c.thread().text());
    if (t == null || t.lastResult == null || t.lastResult.value() != -fusesim.model.Errno.ENODEV.value) {
      return false;
    }
    fusesim.model.vfs.KFile f = k.fds.get((int) fd.value());
    if (f == null || f.ff == null || f.ff.passthrough != null || f.ff.isDir) {
      return false;
    }
    FuseInode fi = f.ff.inode;
    if (fi.fb == null || k.inodePt.fuseInodePassthrough(fi) == null) {
      return false;
    }
    for (fusesim.model.vfs.KFile o : k.fds.values()) {
      if (o.ff != null && o.ff.inode == fi && o.ff.passthrough != null) {
        return false; // mainline's case: a passthrough open puts the inode in passthrough io mode
      }
    }
    return true;
  }

  /** Hits per finding, in registry order (for the reports). */
  public static final class Hits {
    public final Map<String, Long> count = new LinkedHashMap<>();
    public final Map<String, Long> firstSequence = new LinkedHashMap<>();

    public void add(Finding f, long sequence) {
      if (count.merge(f.id(), 1L, Long::sum) == 1L) {
        firstSequence.put(f.id(), sequence);
      }
    }

    public long total() {
      long t = 0;
      for (long c : count.values()) {
        t += c;
      }
      return t;
    }
  }
}
