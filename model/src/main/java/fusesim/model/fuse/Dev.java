package fusesim.model.fuse;

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
    Request r = new Request(nextUnique, op, nodeid, name, t == null ? null : t.thread.name, args);
    r.target = target;
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
}
