package fusesim.model.fuse;

import fusesim.model.Bytes;

import fusesim.model.Opcode;
import fusesim.model.Reply;

/**
 * One FUSE request as the kernel queues it for the server (struct fuse_req), with the fields the
 * model and the traces observe. Unique ids start at 2 and step by 2 as in fs/fuse/dev.c
 * (FUSE_REQ_ID_STEP); INIT takes 2.
 */
public final class Request {
  public enum State { PENDING, HELD, ANSWERED }

  public final long unique;
  public final Opcode opcode;
  public final long nodeid;
  /** The name argument of LOOKUP, CREATE, MKDIR, UNLINK, ...; null otherwise. */
  public final String name;
  /** The trace thread that sent it; null for background requests (RELEASE, FORGET). */
  public final String thread;
  /** Opcode-specific arguments (open flags, offsets, sizes, forget count, setattr valid ...). */
  public final long[] args;
  public State state = State.PENDING;
  public Reply reply;
  /** SYMLINK's link target (its third in-arg); null otherwise. */
  public String target;
  /** WRITE's data (the in-arg after fuse_write_in); null otherwise. */
  public Bytes data;
  /**
   * Ghost (COHERENCE): the lower file's bytes a READ's reply was read from, when the server
   * answered, or null. Taken then, not when the read(2) returns: a concurrent WRITE may change
   * the file in between, and either order is one the kernel allows.
   */
  public Bytes ghostLower;
  /**
   * Ghost (LIVENESS-WB): the label of the inode's lifetime backing when the reply was delivered
   * (0: none, -1: not recorded). A step may deliver an OPEN reply that inherits it (backing id 0,
   * v2 16/21) and then an entry reply that attaches it; the open was judged by the first state.
   */
  public int ghostLifetimeAtReply = -1;
  /** The lower path the request concerns, as the server resolved it (for policies). */
  public String path;
  /**
   * Sent for the server's own access to its mount (its open of P for {@code server backing_open
   * mount:P}), not for a trace step: not reported on the line (traces' ServerOwnOpen).
   */
  public boolean serverOwn;

  public Request(long unique, Opcode opcode, long nodeid, String name, String thread, long... args) {
    this.unique = unique;
    this.opcode = opcode;
    this.nodeid = nodeid;
    this.name = name;
    this.thread = thread;
    this.args = args;
  }

  public boolean answered() {
    return state == State.ANSWERED;
  }

  /** The error of the reply, as a negative errno, or 0. */
  public int error() {
    return reply instanceof Reply.Error ? -((Reply.Error) reply).errno() : 0;
  }

  /**
   * The observable form used by traces: {@code LOOKUP(1,"a")}, {@code OPEN(10)},
   * {@code FORGET(10,2)}; MKNOD, SYMLINK and LINK add their in-arg: {@code MKNOD(1,"x",0100644)}
   * (mode, octal), {@code SYMLINK(1,"l","target")}, {@code LINK(1,"b",10)} (the old nodeid); then
   * the in-struct fields the sending site sets, by the kernel's names ({@link RequestFields}):
   * {@code SETATTR(10,valid=SIZE|LOCKOWNER,size=0)}.
   */
  public String observable() {
    if (opcode == Opcode.FORGET) {
      return "FORGET(" + nodeid + "," + args[0] + ")";
    }
    String base = name == null || RequestFields.namesXattr(opcode) ? opcode + "(" + nodeid
        : opcode + "(" + nodeid + ",\"" + name + "\"";
    switch (opcode) {
      case MKNOD:
        base += ",0" + Long.toOctalString(args[0]); // fuse_mknod_in.mode
        break;
      case SYMLINK:
        base += ",\"" + target + "\"";
        break;
      case LINK:
        base += "," + args[0]; // fuse_link_in.oldnodeid
        break;
      default:
        break;
    }
    return base + RequestFields.render(opcode, fields()) + ")";
  }

  /** The in-struct fields this request carries, by the kernel's names (see {@link RequestFields}). */
  public java.util.Map<String, Object> fields() {
    return RequestFields.ofModel(opcode, name, args);
  }

  @Override
  public String toString() {
    return observable();
  }
}
