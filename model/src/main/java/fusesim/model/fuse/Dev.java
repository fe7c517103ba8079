package fusesim.model.fuse;

import fusesim.model.Bytes;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.Syscall;
import fusesim.model.series.InodePassthrough;

/**
 * fs/fuse/dev.c: queueing requests for the server, request ids, forgets, replies and aborting
 * the connection.
 */
public final class Dev {
  private final Kernel k;
  /** INIT took unique 2 (FUSE_REQ_ID_STEP = 2, first id 2). */
  long nextUnique = 4;

  public Dev(Kernel k) {
    this.k = k;
  }

  /**
   * fuse_simple_request(): queues a request and waits for it. With the connection down it fails
   * with ENOTCONN before reaching the server (fuse_get_req: !fc->connected), and with an INIT
   * error with ECONNREFUSED (fc->conn_error).
   */
  @Mirrors(fn = "fuse_simple_request", file = "fs/fuse/dev.c",
      doc = "Queue a request and wait; ENOTCONN with the connection down, ECONNREFUSED after an "
          + "INIT error.")
  public Request send(Syscall t, Opcode op, long nodeid, String name, long... args) {
    return send(t, op, nodeid, name, null, args);
  }

  /** fuse_simple_request() with SYMLINK's link target as the last in-arg. */
  @Mirrors(fn = "fuse_simple_request (SYMLINK target)", file = "fs/fuse/dev.c",
      doc = "The same request with SYMLINK's target as its last in-arg.")
  public Request send(Syscall t, Opcode op, long nodeid, String name, String target, long... args) {
    return send(t, op, nodeid, name, target, null, args);
  }

  /** fuse_simple_request() of a WRITE with its data as the in-arg after fuse_write_in. */
  @Mirrors(fn = "fuse_simple_request (WRITE data)", file = "fs/fuse/dev.c",
      doc = "The same request with WRITE's data as its last in-arg.")
  public Request sendWrite(Syscall t, long nodeid, Bytes data, long... args) {
    return send(t, Opcode.WRITE, nodeid, null, null, data, args);
  }

  private Request send(Syscall t, Opcode op, long nodeid, String name, String target, Bytes data, long... args) {
    Request r = new Request(nextUnique, op, nodeid, name, t == null ? null : t.thread.name, args);
    r.target = target;
    r.data = data;
    nextUnique += 2;
    if (!k.fc.connected || k.fc.connError) {
      r.reply = Reply.error(k.fc.connError ? Errno.ECONNREFUSED : Errno.ENOTCONN);
      r.state = Request.State.ANSWERED;
      return r;
    }
    k.log.add(r);
    noteBypassMiss(r);
    k.server.receive(r);
    return r;
  }

  /**
   * Ghost for the PT-BYPASS-INODE invariant: a GETATTR (v2 06/21) or SETATTR (19/21) sent for an
   * inode whose lifetime backing grants that op.
   */
  private void noteBypassMiss(Request r) {
    long op = r.opcode == Opcode.GETATTR && k.sem.has(6) ? InodePassthrough.OP_GETATTR
        : r.opcode == Opcode.SETATTR && k.sem.has(19) ? InodePassthrough.OP_SETATTR : 0;
    FuseInode fi = op == 0 ? null : k.inodeHash.get(r.nodeid);
    if (fi != null && k.inodePt.fuseInodePassthroughOp(fi, op)) {
      k.bypassMisses.add(r);
    }
  }

  /**
   * fuse_simple_background() for RELEASE: the syscall does not wait. {@code end} mirrors the
   * request's end callback (fuse_release_end), run when the reply arrives or the send fails.
   */
  @Mirrors(fn = "fuse_simple_background", file = "fs/fuse/dev.c",
      doc = "RELEASE without waiting; the end callback (fuse_release_end) runs at the reply or a "
          + "failed send.")
  public Request sendBackground(Opcode op, long nodeid, Runnable end, long... args) {
    Request r = send(null, op, nodeid, null, args);
    if (r.answered()) {
      end.run();
    } else {
      k.backgroundEnds.put(r, end);
    }
    return r;
  }

  /**
   * fuse_queue_forget(): FORGET(nodeid, nlookup). It needs no reply; a forget queued while the
   * connection is down is dropped.
   */
  @Mirrors(fn = "fuse_queue_forget", file = "fs/fuse/dev.c",
      doc = "FORGET(nodeid, nlookup), no reply; dropped while the connection is down.")
  public void queueForget(long nodeid, long nlookup) {
    if (!k.fc.connected) {
      return;
    }
    Request r = new Request(nextUnique, Opcode.FORGET, nodeid, null, null, nlookup);
    nextUnique += 2;
    r.state = Request.State.ANSWERED;
    k.log.add(r);
    k.server.forget(nodeid, nlookup);
  }

  /**
   * fuse_dev_do_write() → fuse_request_end(): the server's reply completes a request and wakes its
   * waiter. A reply to a request that is not pending is refused with ENOENT, as write() on
   * /dev/fuse does for an unknown unique.
   */
  @Mirrors(fn = "fuse_dev_do_write", file = "fs/fuse/dev.c",
      doc = "The server's reply ends the request (fuse_request_end) and wakes its waiter; ENOENT "
          + "for an unknown unique.")
  public int reply(Request r, Reply reply) {
    if (r.answered() || !k.fc.connected) {
      return -Errno.ENOENT.value;
    }
    r.reply = reply;
    r.state = Request.State.ANSWERED;
    FuseInode ghost = k.inodeHash.get(r.nodeid);
    r.ghostLifetimeAtReply = ghost == null || ghost.lifetimeFb == null ? 0 : ghost.lifetimeFb.label;
    Runnable end = k.backgroundEnds.remove(r);
    if (end != null) {
      end.run();
    }
    return 0;
  }

  /**
   * fuse_abort_conn(): the server died (its /dev/fuse fd closed) or the mount went away. Every
   * pending request ends with ECONNABORTED (end_requests); later ones fail with ENOTCONN.
   */
  @Mirrors(fn = "fuse_abort_conn", file = "fs/fuse/dev.c",
      doc = "Pending requests end with ECONNABORTED; later ones fail with ENOTCONN.")
  public void abortConn() {
    if (!k.fc.connected) {
      return;
    }
    k.fc.connected = false;
    for (Request r : k.log) {
      if (!r.answered()) {
        r.reply = Reply.error(Errno.ECONNABORTED);
        r.state = Request.State.ANSWERED;
        Runnable end = k.backgroundEnds.remove(r);
        if (end != null) {
          end.run();
        }
      }
    }
  }

  /** The daemon dies: the connection is aborted and blocked syscalls fail. */
  @Mirrors(fn = "fuse_dev_release", file = "fs/fuse/dev.c",
      doc = "The daemon's /dev/fuse fd closes: the connection is aborted and blocked syscalls "
          + "fail.")
  public void fuseDevRelease() {
    k.server.crash();
    k.runUntilQuiet();
  }

  /** sizeof(struct fuse_out_header). */
  public static final int OUT_HEADER_SIZE = 16;

  /** What a reply's write(2) does to the request it names. */
  public enum Ending {
    /** Untouched: it stays on the processing list until a good reply or an abort. */
    PENDING,
    /** Ended (fuse_request_end) with the reply's payload. */
    OK,
    /** Ended with an error: the reply's own, or EIO for a reply the kernel could not copy. */
    ERROR
  }

  /**
   * The kernel's reaction to one write of a reply: write()'s result (0 or an errno), and how the
   * request ends ({@code error} is the errno it ends with, {@code payload} the bytes copied).
   */
  public record Framed(int writeErrno, Ending ending, int error, long payload) {}

  /**
   * fuse_dev_do_write()'s framing rules for a reply of {@code written} bytes whose out-header says
   * {@code len}, {@code error} and a unique that names a pending request or not ({@code found}),
   * to a request whose out args take {@code outSize} bytes, shorter allowed when {@code outArgvar}
   * (READ, READDIR, GETXATTR's value: copy_out_args). In kernel order: a write shorter than the
   * header or whose len disagrees is EINVAL before any request is looked up; an error outside
   * (-512, 0] is EINVAL; an unknown unique is ENOENT; an error reply with a payload is EINVAL and
   * ends the request with EIO; a payload copy_out_args refuses (longer than the args, or shorter
   * where they are not variable) is EINVAL and ends it with EIO.
   */
  @Mirrors(fn = "fuse_dev_do_write (framing)", file = "fs/fuse/dev.c",
      doc = "A reply's header and size decide write()'s errno and how its request ends "
          + "(copy_out_args: EIO for a payload the args cannot take).")
  public static Framed frame(long written, long len, int error, boolean found, long outSize,
      boolean outArgvar) {
    if (written < OUT_HEADER_SIZE || len != written || error > 0 || error <= -512) {
      return new Framed(Errno.EINVAL.value, Ending.PENDING, 0, 0);
    }
    if (!found) {
      return new Framed(Errno.ENOENT.value, Ending.PENDING, 0, 0);
    }
    long payload = written - OUT_HEADER_SIZE;
    if (error != 0) {
      return payload != 0 ? new Framed(Errno.EINVAL.value, Ending.ERROR, Errno.EIO.value, 0)
          : new Framed(0, Ending.ERROR, -error, 0);
    }
    if (payload > outSize || (payload < outSize && !outArgvar)) {
      return new Framed(Errno.EINVAL.value, Ending.ERROR, Errno.EIO.value, 0);
    }
    return new Framed(0, Ending.OK, 0, payload);
  }
}
