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

  /** sizeof(struct fuse_entry_out), fuse_attr_out, fuse_open_out (include/uapi/linux/fuse.h). */
  static final int ENTRY_OUT_SIZE = 128;
  static final int ATTR_OUT_SIZE = 104;
  static final int OPEN_OUT_SIZE = 16;
  /** FUSE_NAME_OFFSET (fuse_dirent without its name) and FUSE_NAME_OFFSET_DIRENTPLUS. */
  static final int DIRENT_SIZE = 24;
  static final int DIRENTPLUS_SIZE = ENTRY_OUT_SIZE + DIRENT_SIZE;

  /**
   * What the kernel makes of a faulted write in place of the good reply {@code good} to
   * {@code r}: the daemon's write() errno and the reply the request ends with. The faulted bytes
   * go through {@link #frame}: a write it leaves pending (bad length, unknown unique) is followed
   * by the good reply, as the kernel oracle's server writes it; an error ending is EIO or the
   * reply's own error; a payload copy_out_args takes shorter (out_argvar: READ, READDIR,
   * READLINK, GETXATTR's value) ends the request with what fits. CLOSE_MID_REQUEST is the
   * daemon's fuse_dev_release(), which the caller runs ({@link fusesim.model.Server}).
   */
  @Mirrors(fn = "fuse_dev_do_write (faulted reply)", file = "fs/fuse/dev.c",
      doc = "A broken daemon's write: framed as fuse_dev_do_write does (copy_out_args: EIO for a "
          + "payload the args cannot take, a shorter one where out_argvar), the good reply after "
          + "one left pending.")
  public static Faulted faulted(Request r, Reply good, ReplyFault fault) {
    long payload = payloadSize(good);
    int error = good instanceof Reply.Error e ? -e.errno() : 0;
    boolean argvar = isArgvar(r.opcode, good);
    long outSize = argvar ? Long.MAX_VALUE : payload;
    long written = OUT_HEADER_SIZE + payload;
    Framed f = switch (fault) {
      case BAD_LENGTH -> frame(written, written + 8, error, true, outSize, argvar);
      case UNKNOWN_UNIQUE -> frame(written, written, error, false, outSize, argvar);
      case SHORT_WRITE -> frame(OUT_HEADER_SIZE + payload / 2, OUT_HEADER_SIZE + payload / 2, error, true,
          outSize, argvar);
      case ERROR_ON_UNFAILABLE -> frame(OUT_HEADER_SIZE, OUT_HEADER_SIZE, -Errno.EIO.value, true, outSize, argvar);
      case CLOSE_MID_REQUEST -> new Framed(0, Ending.PENDING, 0, payload);
    };
    Reply ends = switch (f.ending()) {
      case PENDING -> good; // the daemon's good reply follows the refused write
      case ERROR -> new Reply.Error(f.error());
      case OK -> f.payload() == payload ? good : cut(good, f.payload());
    };
    return new Faulted(f.writeErrno(), ends);
  }

  /** A faulted write's outcome: write()'s errno, and the reply the request ends with. */
  public record Faulted(int writeErrno, Reply ends) {}

  /** The payload bytes of a reply on the wire (after fuse_out_header). */
  static long payloadSize(Reply good) {
    if (good instanceof Reply.Data d) {
      return d.size();
    } else if (good instanceof Reply.Dirents d) {
      return d.names().stream().mapToLong(n -> align8(DIRENT_SIZE + n.length())).sum();
    } else if (good instanceof Reply.DirentsPlus d) {
      return d.names().stream().mapToLong(n -> align8(DIRENTPLUS_SIZE + n.length())).sum();
    }
    return fixedPayload(good);
  }

  private static long fixedPayload(Reply good) {
    if (good instanceof Reply.Entry) {
      return ENTRY_OUT_SIZE;
    } else if (good instanceof Reply.Create) {
      return ENTRY_OUT_SIZE + OPEN_OUT_SIZE;
    } else if (good instanceof Reply.AttrOut) {
      return ATTR_OUT_SIZE;
    } else if (good instanceof Reply.Open) {
      return OPEN_OUT_SIZE;
    } else if (good instanceof Reply.Written || good instanceof Reply.XattrSize || good instanceof Reply.Lseek) {
      return 8; // fuse_write_out, fuse_getxattr_out, fuse_lseek_out
    }
    return 0; // an error, or a bare header (Ok)
  }

  /** out_argvar: the replies copy_out_args accepts shorter (their last out-arg is cut). */
  private static boolean isArgvar(Opcode op, Reply good) {
    return good instanceof Reply.Data || good instanceof Reply.Dirents || good instanceof Reply.DirentsPlus
        || (op == Opcode.READ || op == Opcode.READDIR || op == Opcode.READDIRPLUS || op == Opcode.READLINK);
  }

  /**
   * The reply cut to {@code bytes} of payload: data to its first bytes; dirents to the records
   * that fit whole (fuse_parse_dirfile / parse_dirplusfile stop at a record longer than what is
   * left).
   */
  private static Reply cut(Reply good, long bytes) {
    if (good instanceof Reply.Data d) {
      return new Reply.Data(bytes, d.bytes() == null ? null : d.bytes().slice(0, bytes));
    } else if (good instanceof Reply.Dirents d) {
      int n = fitting(d.names(), DIRENT_SIZE, bytes);
      return new Reply.Dirents(d.names().subList(0, n), d.nextOffset() - d.names().size() + n);
    } else if (good instanceof Reply.DirentsPlus d) {
      int n = fitting(d.names(), DIRENTPLUS_SIZE, bytes);
      return new Reply.DirentsPlus(d.names().subList(0, n), d.entries().subList(0, n),
          d.nextOffset() - d.names().size() + n);
    }
    return good;
  }

  private static int fitting(java.util.List<String> names, int head, long bytes) {
    long used = 0;
    int n = 0;
    for (String name : names) {
      used += align8(head + name.length());
      if (used > bytes) {
        break;
      }
      n++;
    }
    return n;
  }

  private static long align8(long v) {
    return (v + 7) & ~7L;
  }
}
