package fusesim.model.vfs;

import fusesim.model.Lower;

/**
 * A mapping made by mmap(2). A passthrough mapping maps the backing file (vma_set_file), so it
 * holds no reference to the FUSE file; any other mapping pins its struct file.
 */
public final class Vma {
  public final String name;
  public final KFile file;
  public final boolean shared;
  public final boolean writable;
  /** The lower node the mapping reaches directly, for passthrough mappings; else null. */
  public final Lower.Node backing;

  public Vma(String name, KFile file, boolean shared, boolean writable, Lower.Node backing) {
    this.name = name;
    this.file = file;
    this.shared = shared;
    this.writable = writable;
    this.backing = backing;
  }
}
