package fusesim.cli.spec;

import java.util.List;
import java.util.Set;

/** {@link RstCheck} for tests in other packages. */
public final class RstCheckAccess {
  private RstCheckAccess() {}

  public static List<String> check(String rst, Set<String> files) {
    return RstCheck.check(rst, files);
  }
}
