package fusesim.model;

/**
 * A kernel assertion that fired (WARN_ON, WARN_ON_ONCE, BUG_ON) or a refcount misuse the kernel
 * would report (refcount_t underflow, increment from zero, use after free).
 *
 * @param site where the kernel checks it, "fs/fuse/iomode.c:fuse_file_cached_io_release"
 * @param check the check's text, "WARN_ON(fi->iocachectr <= 0)"
 */
public record Finding(String site, String check) {
  @Override
  public String toString() {
    return check + " at " + site;
  }
}
