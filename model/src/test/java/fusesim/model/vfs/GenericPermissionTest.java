package fusesim.model.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Errno;
import fusesim.model.Lower;
import fusesim.model.UserThread;
import fusesim.model.fuse.FuseAttr;
import org.junit.jupiter.api.Test;

/** Namei.genericPermission: generic_permission() / acl_permission_check() (fs/namei.c). */
class GenericPermissionTest {
  private static final int EACCES = -Errno.EACCES.value;
  private static final UserThread ROOT = new UserThread("T1", 0, 0);
  private static final UserThread USER = new UserThread("T2", 1000, 1000);
  private static final int R = Namei.MAY_READ, W = Namei.MAY_WRITE, X = Namei.MAY_EXEC;

  private static FuseAttr file(int mode, int uid, int gid) {
    return new FuseAttr(10, Lower.S_IFREG | mode, 0, 1, uid, gid, 0, 0);
  }

  private static FuseAttr dir(int mode, int uid, int gid) {
    return new FuseAttr(20, Lower.S_IFDIR | mode, 0, 2, uid, gid, 0, 0);
  }

  @Test
  void ownerBitsDecideForTheOwnerEvenWhenOthersHaveMore() {
    assertThat(Namei.genericPermission(USER, file(0600, 1000, 0), R | W)).isZero();
    assertThat(Namei.genericPermission(USER, file(0466, 1000, 0), W)).isEqualTo(EACCES);
    assertThat(Namei.genericPermission(USER, file(0400, 1000, 0), R | Namei.MAY_OPEN)).isZero();
  }

  @Test
  void groupBitsDecideForAGroupMemberOnlyWhereTheyDifferFromOther() {
    assertThat(Namei.genericPermission(USER, file(0640, 0, 1000), R)).isZero();
    assertThat(Namei.genericPermission(USER, file(0640, 0, 1000), W)).isEqualTo(EACCES);
    assertThat(Namei.genericPermission(USER, file(0604, 0, 1000), R)).isEqualTo(EACCES);
    assertThat(Namei.genericPermission(USER, file(0640, 0, 0), R)).isEqualTo(EACCES);
  }

  @Test
  void otherBitsDecideForEveryoneElse() {
    assertThat(Namei.genericPermission(USER, file(0604, 0, 0), R)).isZero();
    assertThat(Namei.genericPermission(USER, dir(0755, 0, 0), X)).isZero();
    assertThat(Namei.genericPermission(USER, dir(0755, 0, 0), W | X)).isEqualTo(EACCES);
    assertThat(Namei.genericPermission(USER, dir(0700, 0, 0), X)).isEqualTo(EACCES);
  }

  @Test
  void rootOverridesReadWriteAndDirectoriesButNotExecWithoutAnyExecBit() {
    assertThat(Namei.genericPermission(ROOT, file(0000, 1000, 1000), R | W)).isZero();
    assertThat(Namei.genericPermission(ROOT, dir(0000, 1000, 1000), W | X)).isZero();
    assertThat(Namei.genericPermission(ROOT, file(0001, 1000, 1000), X)).isZero();
    assertThat(Namei.genericPermission(ROOT, file(0666, 1000, 1000), X)).isEqualTo(EACCES);
    assertThat(Namei.genericPermission(ROOT, file(0666, 1000, 1000), R | X)).isEqualTo(EACCES);
  }
}
