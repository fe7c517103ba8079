package fusesim.model;

import fusesim.model.fuse.Dir;
import fusesim.model.fuse.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * What the model's {@link Server} (libfuse's example/passthrough_hp.cc) does to its lower tree
 * for the requests that read or change it: READ (pread), WRITE (pwrite), READDIR, FALLOCATE,
 * UNLINK/RMDIR and RENAME/RENAME2 (rename(2)/renameat2(2)). The server decides the answer (its
 * policies, holds and faults); these are the lower file system's side of it.
 */
final class LowerOps {
  private LowerOps() {}

  /**
   * READ: passthrough_hp's pread on the open fd, the lower file's bytes from the offset; under a
   * {@code data size=N} policy N bytes of the lower-file pattern from the offset whatever the
   * file holds (what the kernel oracle's server sends: TracePolicy.data).
   */
  static Reply read(Request r, Lower.Node node, ReplySpec spec) {
    long off = r.args[0];
    if (spec.fields().containsKey("size")) {
      long n = spec.get("size", 0);
      return new Reply.Data(n, Bytes.lowerPattern(off, n));
    }
    Bytes b = node.read(off, r.args[1]);
    r.ghostLower = b;
    return new Reply.Data(b.length(), b);
  }

  static Reply write(Kernel k, Request r, Lower.Node node, ReplySpec spec) {
    if (node == null) {
      return Reply.error(Errno.ESTALE);
    }
    long off = r.args[0];
    long size = r.args[1];
    // passthrough_hp writes the request's bytes to its lower file (pwrite on the open fd)
    node.write(off, r.data != null ? r.data : Bytes.written(off, size));
    node.size = Math.max(node.size, off + size);
    node.mtime = node.ctime = k.now;
    return new Reply.Written(spec.get("size", size));
  }

  static Reply readdir(Request r, Lower.Node dir) {
    if (dir == null || !dir.isDir()) {
      return Reply.error(Errno.ENOTDIR);
    }
    List<String> all = new ArrayList<>(List.of(".", ".."));
    all.addAll(dir.children.keySet());
    int from = (int) Math.min(r.args[0], all.size());
    return new Reply.Dirents(all.subList(from, all.size()), all.size());
  }

  static Reply fallocate(Request r, Lower.Node node) {
    if (node == null) {
      return Reply.error(Errno.ESTALE);
    }
    boolean keepSize = (r.args[0] & 1) != 0;
    if (!keepSize) {
      node.size = Math.max(node.size, r.args[1] + r.args[2]);
    }
    return new Reply.Ok();
  }

  static Reply unlink(Kernel k, Lower.Node dir, String name) {
    if (dir == null || !dir.isDir() || !dir.children.containsKey(name)) {
      return Reply.error(Errno.ENOENT);
    }
    k.lower.unlink(k.lower.pathOf(dir) + "/" + name);
    return new Reply.Ok();
  }

  /**
   * RENAME/RENAME2 as rename(2)/renameat2(2) on the lower tree (the kernel oracle's server calls
   * rename(2)): ENOENT without the old name; RENAME_NOREPLACE EEXIST, RENAME_EXCHANGE swaps (ENOENT
   * without the new name); a replaced name: ENOTDIR/EISDIR across types, ENOTEMPTY for a
   * non-empty directory, else its node loses a link.
   */
  static Reply rename(Kernel k, java.util.Map<Long, Lower.Node> nodes, Lower.Node dir, Request r, long flags) {
    Lower.Node ndir = nodes.get(r.args[0]);
    Lower.Node src = dir == null || !dir.isDir() ? null : dir.children.get(r.name);
    if (src == null || ndir == null || !ndir.isDir()) {
      return Reply.error(Errno.ENOENT);
    }
    Lower.Node dst = ndir.children.get(r.target);
    if ((flags & Dir.RENAME_NOREPLACE) != 0 && dst != null) {
      return Reply.error(Errno.EEXIST);
    }
    if ((flags & Dir.RENAME_EXCHANGE) != 0) {
      if (dst == null) {
        return Reply.error(Errno.ENOENT);
      }
      dir.children.put(r.name, dst);
      ndir.children.put(r.target, src);
      return new Reply.Ok();
    }
    if (dst == src) {
      return new Reply.Ok();
    }
    if (dst != null && dst.isDir() != src.isDir()) {
      return Reply.error(src.isDir() ? Errno.ENOTDIR : Errno.EISDIR);
    }
    if (dst != null && dst.isDir() && !dst.children.isEmpty()) {
      return Reply.error(Errno.ENOTEMPTY);
    }
    if (dst != null) {
      dst.nlink--;
    }
    dir.children.remove(r.name);
    ndir.children.put(r.target, src);
    src.ctime = k.now;
    return new Reply.Ok();
  }
}
