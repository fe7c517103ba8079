package fusesim.invariants;

import java.util.List;

/**
 * The golden output of fstests generic/683 (fallocate), 684 (punch hole) and 685 (zero range),
 * "functional test for dropping suid and sgid bits": ten cases each, the same for all three
 * (kdave/xfstests tests/generic/683.out, commit 81e6f628). The file is root's
 * (gid 0), written by root or by {@code qa_user}, who is not in group 0. The v2 cover letter
 * reports that the three tests pass with passthrough inode operations.
 */
public final class FstestsSuidSgid {
  private FstestsSuidSgid() {}

  /** One case: "Test N - who, what": the mode before and after the call. */
  public record Case(int test, boolean root, String what, int before, int after) {
  }

  /** One test: its number, the fallocate mode it uses (xfs_io's verb) and its FALLOC_FL_ flags. */
  public record Test(int number, String verb, String fallocFlags) {
  }

  public static final List<Test> TESTS = List.of(
      new Test(683, "falloc", "0"),
      new Test(684, "fpunch", "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE"),
      new Test(685, "fzero", "FALLOC_FL_ZERO_RANGE"));

  /** 683.out, 684.out and 685.out: the same ten cases. */
  public static final List<Case> CASES = List.of(
      new Case(1, false, "non-exec file", 06666, 0666),
      new Case(2, false, "group-exec file", 06676, 0676),
      new Case(3, false, "user-exec file", 06766, 0766),
      new Case(4, false, "all-exec file", 06777, 0777),
      new Case(5, true, "non-exec file", 06666, 06666),
      new Case(6, true, "group-exec file", 06676, 06676),
      new Case(7, true, "user-exec file", 06766, 06766),
      new Case(8, true, "all-exec file", 06777, 06777),
      new Case(9, false, "group-exec file, only sgid", 02676, 0676),
      new Case(10, false, "all-exec file, only sgid", 02777, 0777));

  /** The file's group in the tests (root's) and qa_user's group (any other). */
  public static final int FILE_GID = 0, QA_USER_UID = 1000, QA_USER_GID = 1000;
}
