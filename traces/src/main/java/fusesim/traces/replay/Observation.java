package fusesim.traces.replay;

import java.util.List;

/**
 * What one trace line produced, in a form both the model and a real kernel can give, so the two
 * can be compared line by line.
 *
 * @param line the trace line (the step's identity)
 * @param stmt the statement as printed canonically
 * @param result the observable result: for a syscall "3", "-1 EIO", "m1", "0 {ino=10 size=4096}"
 *     (stat fields in trace order), "unfinished" for a call that blocked; for backing_open/close
 *     the id or "-1 ERRNO"; empty for lines with no result
 * @param requests the FUSE requests sent while this line ran, as {@code OPCODE(nodeid[,"name"])}
 *     and {@code FORGET(nodeid,n)}, in order
 * @param verdict null when the line met its expectation, else what was expected and found
 */
public record Observation(int line, String stmt, String result, List<String> requests,
    String verdict) {
  public Observation {
    requests = List.copyOf(requests);
  }

  public boolean met() {
    return verdict == null;
  }
}
