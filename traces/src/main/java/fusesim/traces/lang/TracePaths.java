package fusesim.traces.lang;

/**
 * What a path in a trace may be. A trace is untrusted input and the kernel oracle runs it as root
 * under its own directories, so a path is absolute and plain: components separated by one
 * {@code /}, none of them empty, {@code .} or {@code ..}, no NUL, at most {@link #MAX_LENGTH}
 * characters. The model does not resolve {@code .} and {@code ..} either (it would take them as
 * names), so such a path is refused, at its position, rather than given a meaning no kernel has. A
 * syscall's path may also be the empty string (the kernel's ENOENT).
 */
public final class TracePaths {
  /** The longest path accepted (PATH_MAX is 4096 with the mount point in front). */
  public static final int MAX_LENGTH = 1024;

  /** What every path must be, for error messages. */
  public static final String EXPECTED = "an absolute path without empty, \".\" or \"..\" components";

  private TracePaths() {}

  /** Why {@code path} is refused, or null when it is acceptable. */
  public static String problem(String path, boolean emptyAllowed) {
    if (path.isEmpty()) {
      return emptyAllowed ? null : "an empty path";
    }
    if (path.length() > MAX_LENGTH) {
      return "a path of " + path.length() + " characters, over the limit of " + MAX_LENGTH;
    }
    if (path.indexOf('\0') >= 0) {
      return "a path with a NUL character";
    }
    if (path.charAt(0) != '/') {
      return "a relative path";
    }
    if (path.equals("/")) {
      return null;
    }
    for (String part : path.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return "a path with " + (part.isEmpty() ? "an empty" : "a \"" + part + "\"") + " component";
      }
    }
    return null;
  }

  /** Throws at {@code pos} when {@code path} is refused. */
  static void check(String file, Pos pos, String path, String found, boolean emptyAllowed) {
    String why = problem(path, emptyAllowed);
    if (why != null) {
      throw new TraceSyntaxError(file, pos, EXPECTED, found + " (" + why + ")");
    }
  }
}
