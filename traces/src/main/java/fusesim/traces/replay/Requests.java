package fusesim.traces.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * How two lists of observed FUSE requests are compared: requests in order, FORGETs as a multiset.
 *
 * <p>The kernel queues FORGETs on their own list (fuse_queue_forget → fiq->forget_list_head), not
 * among the requests, and fuse_dev_do_read() interleaves the two lists; so a FORGET queued before
 * a request may reach the daemon after it (seen on 6.18.44: revalidation's FORGET(11,1) arrived
 * after the LOOKUP that followed it). Where in the stream a FORGET lands is therefore not an
 * observable of the kernel's semantics; which FORGETs were sent is.
 */
public final class Requests {
  private Requests() {}

  public static boolean matches(List<String> want, List<String> got) {
    return without(want, true).equals(without(got, true))
        && sorted(without(want, false)).equals(sorted(without(got, false)));
  }

  private static List<String> without(List<String> rs, boolean dropForgets) {
    List<String> out = new ArrayList<>();
    for (String r : rs) {
      if (r.startsWith("FORGET(") != dropForgets) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<String> sorted(List<String> rs) {
    List<String> out = new ArrayList<>(rs);
    out.sort(null);
    return out;
  }
}
