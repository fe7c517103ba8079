package fusesim.model.series;

import java.util.List;

/**
 * The patches of "fuse: extend passthrough to inode operations" v2 (2026-05-16, 21 patches), as
 * titled on the list (cover letter: https://lore.kernel.org/all/20260516004004.1455526-1-joannelkoong@gmail.com/; patch N is
 * message {@code ...-(N+1)-joannelkoong@gmail.com}). {@code evidence} says how much of the patch's
 * code was seen: only 01's commit message and first hunk and the first part of 21 (the
 * documentation) were read; the rest of the model's v2 behaviour is inference, each inferred choice
 * an {@link Assumption}.
 */
public record Patch(int number, String author, String title, String evidence) {

  /** v2 in order; {@code V2.get(k - 1)} is patch k. */
  public static final List<Patch> V2 = List.of(
      new Patch(1, "Amir", "fuse: introduce FUSE_PASSTHROUGH_INO mode",
          "SEEN commit message, diffstat, first hunk"),
      new Patch(2, "Amir", "fuse: prepare for passthrough of inode operations",
          "SEEN-pre (Amir's branch, 2024-2025)"),
      new Patch(3, "Amir", "fuse: prepare for readdir passthrough on directories",
          "SEEN-pre (2023 predecessor)"),
      new Patch(4, "Amir", "fuse: implement passthrough for readdir", "SEEN-pre (2023 predecessor)"),
      new Patch(5, "Amir", "fuse: prepare for long lived reference on backing file",
          "SEEN-pre (Paul's adaptation of Amir's branch)"),
      new Patch(6, "Amir", "fuse: implement passthrough for getattr/statx", "INF, SEEN-pre"),
      new Patch(7, "Amir", "fuse: prepare to setup backing inode passthrough on lookup",
          "SEEN-pre (helper quoted in S11, Amir's review)"),
      new Patch(8, "Joanne", "fuse: handle zero ops_mask in FUSE_DEV_IOC_BACKING_OPEN", "INF"),
      new Patch(9, "Joanne",
          "fuse: handle partial io passthrough for read/write, splice, and mmap", "INF"),
      new Patch(10, "Joanne", "fuse: prepare to cache statx attributes from entry replies", "INF"),
      new Patch(11, "Joanne", "fuse: clean up fuse_dentry_revalidate()", "INF"),
      new Patch(12, "Joanne",
          "fuse: add struct fuse_entry2_out and helpers for extended entry replies",
          "SEEN-libfuse (UAPI copy)"),
      new Patch(13, "Joanne", "fuse: add passthrough lookup", "INF, SEEN-libfuse server usage"),
      new Patch(14, "Joanne", "fuse: add passthrough support for entry creation", "INF"),
      new Patch(15, "Joanne", "fuse: add passthrough support for create+open", "INF"),
      new Patch(16, "Joanne",
          "fuse: allow backing_id=0 in open to inherit inode's backing file", "INF, SEEN-pre"),
      new Patch(17, "Joanne", "backing-inode: add backing_inode_copyattr()",
          "INF (overlayfs ovl_copyattr)"),
      new Patch(18, "Joanne", "backing-inode: add backing_inode_setattr()",
          "INF (overlayfs ovl_setattr, SEEN-pre)"),
      new Patch(19, "Joanne", "fuse: add passthrough setattr", "INF"),
      new Patch(20, "Joanne", "fuse: use passthrough getattr in setattr suid/sgid handling",
          "INF (A19, constrained by the cover letter's fstests generic/683-685 claim)"),
      new Patch(21, "Joanne",
          "docs: fuse: document extended passthrough (FUSE_PASSTHROUGH_INO)", "SEEN first ~20%"));

  /** "v2 13/21". */
  public String cite() {
    return "v2 " + String.format("%02d", number) + "/" + Semantics.V2_PATCHES;
  }
}
