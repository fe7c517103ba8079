package fusesim.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lower file system the server exports and that backing files point into.
 *
 * <p>It is what a passthrough_hp daemon sees below its source directory: inodes with ino, mode,
 * uid, gid, size, times and nlink, directories of names, and the bytes of regular files
 * ({@link FileData}: what READ returns and WRITE and passthrough writes change).
 */
public final class Lower {
  public static final int S_IFMT = 0170000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_ISUID = 04000;
  public static final int S_ISGID = 02000;
  public static final int S_IXGRP = 00010;

  /** One lower inode. Mutable: the server changes it on SETATTR, WRITE, CREATE, ... */
  public static final class Node {
    public long ino;
    public int mode;
    public int uid;
    public int gid;
    public long size;
    public int nlink = 1;
    public long atime;
    public long mtime;
    public long ctime;
    public long generation;
    /** The file's bytes below {@link #size}; what lies at or past size is never read. */
    public FileData data = new FileData();
    /** A symlink's target (what readlink returns); null for other types. */
    public String target;
    /** s_stack_depth of the file system the node lives on (overlayfs 1, ext4/tmpfs 0). */
    public int stackDepth;
    /** Children by name, for directories; sorted so listings are deterministic. */
    public final Map<String, Node> children;

    Node(long ino, int mode) {
      this.ino = ino;
      this.mode = mode;
      this.children = (mode & S_IFMT) == S_IFDIR ? new TreeMap<>() : null;
    }

    public boolean isDir() {
      return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isReg() {
      return (mode & S_IFMT) == S_IFREG;
    }

    /** The lower file cut or extended to newSize: shrinking drops the bytes past it, growing adds zeros. */
    public void truncate(long newSize) {
      if (newSize < size) {
        data.truncate(newSize);
      }
      size = newSize;
    }

    /**
     * A trace's {@code size=}: grows with the lower-file pattern ({@link Bytes#lowerPattern}), as
     * the kernel oracle's lower tree does, or shrinks.
     */
    public void resizeWithPattern(long newSize) {
      if (newSize > size) {
        data.write(size, Bytes.lowerPattern(size, newSize - size));
      }
      truncate(newSize);
    }

    /** A write of {@code b} at {@code off}: the bytes, and the size grows to cover them. */
    public void write(long off, Bytes b) {
      data.write(off, b);
      size = Math.max(size, off + b.length());
    }

    /** The bytes [off, off + len) clamped to the size. */
    public Bytes read(long off, long len) {
      return data.read(off, Math.max(0, Math.min(len, size - off)));
    }

    Node copyShallow() {
      Node n = new Node(ino, mode);
      n.uid = uid;
      n.gid = gid;
      n.size = size;
      n.nlink = nlink;
      n.atime = atime;
      n.mtime = mtime;
      n.ctime = ctime;
      n.generation = generation;
      n.stackDepth = stackDepth;
      n.target = target;
      n.data = data.copy();
      return n;
    }
  }

  public final Node root;
  private long nextIno = 1000;

  public Lower() {
    root = new Node(1, S_IFDIR | 0755);
    root.nlink = 2;
  }

  /** Splits "/a/b" into ["a", "b"]; "/" into []. */
  public static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String c : path.split("/")) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /** The node at {@code path}, or null. */
  public Node resolve(String path) {
    Node n = root;
    for (String c : components(path)) {
      if (n == null || !n.isDir()) {
        return null;
      }
      n = n.children.get(c);
    }
    return n;
  }

  /**
   * The node at {@code path} with every symlink on it followed, the last one included, as a
   * path walk with LOOKUP_FOLLOW does (relative targets from the link's directory, at most 40
   * links, Namei.Walk's MAXSYMLINKS); null where it does not resolve: a missing name, a loop, or
   * a target that is absolute or has "." or "..", which leave the model's tree.
   */
  public Node resolveFollowing(String path) {
    List<String> todo = new ArrayList<>(components(path));
    Node n = root;
    int links = 0;
    while (!todo.isEmpty()) {
      if (n == null || !n.isDir()) {
        return null;
      }
      Node next = n.children.get(todo.remove(0));
      if (next != null && next.target != null) {
        List<String> t = components(next.target);
        boolean leaves = next.target.startsWith("/") || t.contains(".") || t.contains("..");
        if (++links > fusesim.model.vfs.Namei.Walk.MAXSYMLINKS || leaves) {
          return null;
        }
        todo.addAll(0, t);
        continue; // walk the body from the link's directory n
      }
      n = next;
    }
    return n;
  }

  /** The parent directory of {@code path}, or null. */
  public Node parentOf(String path) {
    List<String> cs = components(path);
    if (cs.isEmpty()) {
      return null;
    }
    return resolve("/" + String.join("/", cs.subList(0, cs.size() - 1)));
  }

  public static String baseName(String path) {
    List<String> cs = components(path);
    return cs.isEmpty() ? "" : cs.get(cs.size() - 1);
  }

  /**
   * Adds a node at {@code path}; its parent must exist and be a directory. Returns the node, or
   * null if the parent is missing or the name exists.
   */
  public Node add(String path, int mode, long ino) {
    Node parent = parentOf(path);
    String name = baseName(path);
    if (parent == null || !parent.isDir() || name.isEmpty() || parent.children.containsKey(name)) {
      return null;
    }
    Node n = new Node(ino > 0 ? ino : allocIno(), mode);
    if (n.isDir()) {
      n.nlink = 2;
    }
    parent.children.put(name, n);
    nextIno = Math.max(nextIno, n.ino + 1);
    return n;
  }

  /** A hard link: the same node under a second name. */
  public boolean link(String existing, String newPath) {
    return link(resolve(existing), newPath);
  }

  /** A hard link of {@code n} at {@code newPath}; false for a directory or an existing name. */
  public boolean link(Node n, String newPath) {
    Node parent = parentOf(newPath);
    String name = baseName(newPath);
    if (n == null || n.isDir() || parent == null || !parent.isDir()
        || parent.children.containsKey(name)) {
      return false;
    }
    parent.children.put(name, n);
    n.nlink++;
    return true;
  }

  /** Removes a name; returns the node that had it, or null. */
  public Node unlink(String path) {
    Node parent = parentOf(path);
    if (parent == null || !parent.isDir()) {
      return null;
    }
    Node n = parent.children.remove(baseName(path));
    if (n != null) {
      n.nlink--;
    }
    return n;
  }

  public long allocIno() {
    return nextIno++;
  }

  /** Finds any node with this ino (the server's ino → inode table). */
  public Node byIno(long ino) {
    return byIno(root, ino);
  }

  private static Node byIno(Node n, long ino) {
    if (n.ino == ino) {
      return n;
    }
    if (n.isDir()) {
      for (Node c : n.children.values()) {
        Node f = byIno(c, ino);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  /** First path of a node, for server policies keyed by path; null if unreachable. */
  public String pathOf(Node target) {
    return target == root ? "/" : pathOf(root, "", target);
  }

  private static String pathOf(Node n, String prefix, Node target) {
    if (!n.isDir()) {
      return null;
    }
    for (Map.Entry<String, Node> e : n.children.entrySet()) {
      String p = prefix + "/" + e.getKey();
      if (e.getValue() == target) {
        return p;
      }
      String sub = pathOf(e.getValue(), p, target);
      if (sub != null) {
        return sub;
      }
    }
    return null;
  }
}
