package fusesim.model.fuse;

import fusesim.model.Lower;

/**
 * struct fuse_backing_map as the server passes it to FUSE_DEV_IOC_BACKING_OPEN: which file the fd
 * refers to, and the flags and padding (ops_mask in the series) words.
 *
 * @param target what the fd is
 * @param node the lower node for {@link Target#LOWER}
 */
public record BackingMap(Target target, Lower.Node node, int fd, long flags, long padding) {
  /** What {@code map->fd} refers to. */
  public enum Target { LOWER, BAD_FD, ON_FUSE_MOUNT }

  public static BackingMap of(Lower.Node node) {
    return new BackingMap(Target.LOWER, node, 0, 0, 0);
  }
}
