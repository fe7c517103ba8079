package fusesim.traces.replay;

import fusesim.model.Kernel;
import fusesim.model.Reply;
import fusesim.model.fuse.Request;
import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.traces.lang.Stmt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ERRNO-DOMAIN: every errno a syscall or a /dev/fuse ioctl returns is one its man page and kernel
 * path allow, or the errno the server replied to one of that call's own requests (FUSE passes a
 * reply's error through: fuse_simple_request returns out.h.error). The allowed errnos are data,
 * {@code errno-domain.tsv} next to this class: syscall, errno, the kernel function that returns it,
 * the source (man page or kernel file). Judged after every statement from the statement and its
 * observation, like LIVENESS-WB, in {@code check}, {@code replay} and the corpus.
 */
public final class ErrnoDomain {
  public static final String ID = "ERRNO-DOMAIN";

  public static final Invariant INVARIANT = new Invariant(ID,
      "every errno a syscall or /dev/fuse ioctl returns is one its man page and kernel path allow "
          + "(the table traces/src/main/resources/fusesim/traces/replay/errno-domain.tsv), or the "
          + "server's reply to one of the call's own requests",
      "man-pages section 2 (ERRORS), fs/namei.c, fs/open.c, fs/read_write.c, fs/fuse/*.c; ioctls: "
          + "fs/fuse/backing.c (fuse_backing_open/close)",
      k -> null);

  /** One row of the table. */
  public record Row(String syscall, String errno, String function, String source) {}

  /** Syscalls that resolve a path, or take an fd; every syscall may send FUSE requests. */
  static final Set<String> PATH = Set.of("open", "creat", "stat", "lstat", "truncate", "chmod", "chown",
      "mkdir", "unlink", "rmdir", "link", "rename", "renameat2", "access", "readlink", "mknod", "symlink",
      "getxattr", "setxattr", "listxattr", "removexattr", "utimensat");
  static final Set<String> FD = Set.of("close", "dup", "read", "write", "pread", "pwrite", "lseek", "mmap",
      "fstat", "ftruncate", "fchmod", "fchown", "fallocate", "fsync", "fdatasync", "getdents",
      "preadv", "pwritev", "futimens",
      "fgetxattr", "fsetxattr", "flistxattr", "fremovexattr");
  static final Set<String> MEM = Set.of("munmap", "mread", "mwrite");

  /** The table, by syscall (groups expanded), in file order. */
  public static final Map<String, Map<String, Row>> TABLE = load();

  private static Map<String, Map<String, Row>> load() {
    Map<String, Map<String, Row>> t = new LinkedHashMap<>();
    List<Row> groups = new ArrayList<>();
    try (InputStream in = ErrnoDomain.class.getResourceAsStream("errno-domain.tsv")) {
      if (in == null) {
        throw new IllegalStateException("errno-domain.tsv missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        if (f.length != 4 || fusesim.model.Errno.named(f[1]) == null) {
          throw new IllegalStateException("errno-domain.tsv:" + n + ":1: expected syscall, errno, function, "
              + "source separated by tabs, found '" + line + "'");
        }
        Row row = new Row(f[0], f[1], f[2], f[3]);
        if (f[0].startsWith("@")) {
          groups.add(row);
        } else {
          t.computeIfAbsent(f[0], x -> new LinkedHashMap<>()).put(f[1], row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String s : union()) {
      t.computeIfAbsent(s, x -> new LinkedHashMap<>());
    }
    for (Row g : groups) {
      for (Map.Entry<String, Map<String, Row>> e : t.entrySet()) {
        String s = e.getKey();
        boolean member = switch (g.syscall()) {
          case "@path" -> PATH.contains(s);
          case "@fd" -> FD.contains(s);
          case "@fuse" -> !s.startsWith("backing_");
          default -> throw new IllegalStateException("errno-domain.tsv: unknown group " + g.syscall());
        };
        if (member) {
          e.getValue().putIfAbsent(g.errno(), new Row(s, g.errno(), g.function(), g.source() + " (" + g.syscall()
              + ")"));
        }
      }
    }
    Map<String, Map<String, Row>> out = new LinkedHashMap<>();
    t.forEach((s, m) -> out.put(s, Collections.unmodifiableMap(m)));
    return Collections.unmodifiableMap(out);
  }

  private static Set<String> union() {
    Set<String> s = new TreeSet<>(PATH);
    s.addAll(FD);
    s.addAll(MEM);
    return s;
  }

  private final Kernel k;
  /** The protocol this run follows: which call a statement finished, and where it started. */
  private final TraceDriver driver;

  /** Follows the run {@code driver} drives on {@code k}. */
  public ErrnoDomain(Kernel k, TraceDriver driver) {
    this.k = k;
    this.driver = driver;
  }

  /** The violation as the checker reports it, or null. */
  public Checker.Violation check(Stmt s, Observation o) {
    String v = after(s, o);
    return v == null ? null : new Checker.Violation(INVARIANT, v);
  }

  /** Follows one executed statement; returns what is wrong or null. */
  public String after(Stmt s, Observation o) {
    String call;
    String thread = null;
    int from = 0;
    if (s instanceof Stmt.ThreadStep) {
      TraceDriver.Event e = driver.lastEvent();
      if (e == null || !e.returned()) {
        return null; // started blocked, or still blocked: judged when it returns
      }
      call = e.call().syscall().word();
      thread = e.call().thread();
      from = e.call().startMark(); // the requests since its start: the server's replies to them
    } else if (s instanceof Stmt.BackingOpen) {
      call = "backing_open";
    } else if (s instanceof Stmt.BackingClose) {
      call = "backing_close";
    } else {
      return null;
    }
    String errno = errno(o.result());
    if (errno == null) {
      return null;
    }
    if (s instanceof Stmt.BackingOpen b && b.target() instanceof Stmt.MountTarget
        && ServerOwnOpen.openFailedWith(k, null, errno)) {
      // mount:P whose server's own open of P failed: that open(2)'s errno, judged as open's
      call = "open";
      thread = ServerOwnOpen.THREAD;
    }
    Map<String, Row> allowed = TABLE.get(call);
    if (allowed == null) {
      return call + " has no row in errno-domain.tsv (returned " + errno + ")";
    }
    if (allowed.containsKey(errno) || thread != null && serverSaid(thread, from, errno)) {
      return null;
    }
    return call + " returned " + errno + ", which neither its man page nor its kernel path allows (allowed: "
        + String.join(" ", new TreeSet<>(allowed.keySet())) + ") and no reply to its requests carried";
  }

  /** Did a request of {@code thread} logged since {@code from} get {@code errno} from the server? */
  private boolean serverSaid(String thread, int from, String errno) {
    fusesim.model.Errno e = fusesim.model.Errno.named(errno);
    for (int i = from; i < k.log.size(); i++) {
      Request r = k.log.get(i);
      if (thread.equals(r.thread) && r.reply instanceof Reply.Error err && e != null && err.errno() == e.value) {
        return true;
      }
    }
    return false;
  }

  /** "-1 EIO" → "EIO"; anything else → null. */
  static String errno(String result) {
    if (result == null || !result.startsWith("-1 ")) {
      return null;
    }
    String rest = result.substring(3);
    int sp = rest.indexOf(' ');
    return sp < 0 ? rest : rest.substring(0, sp);
  }
}
