package fusesim.traces.lang;

import fusesim.model.Opcode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement of a trace body: one line of text, in the order it happens. {@link #pos()} is the
 * position of the statement's first token; its line is the step's identity in reports.
 *
 * <p>The statements fall in five groups: the world ({@link Mount}, {@code Lower*},
 * {@link ThreadDecl}), the server ({@code Server*}, {@link BackingOpen}, {@link BackingClose}),
 * thread steps ({@link ThreadStep}: {@link Call}, {@link Unfinished}, {@link Resumed}), other
 * steps ({@link Tick}, {@link Evict}, {@link DropCaches}, {@link Umount}) and expectations
 * ({@link Expect}). The parser checks syntax and the catalogs; it does not check meaning (that a
 * file descriptor was opened, that a resumed call was unfinished, that a thread was declared):
 * that is replay's job, which reports it with {@link TraceSemanticError}.
 *
 * <p>The pieces the statements are made of (mount options, node types, backing targets, notify
 * kinds, request patterns and their fields) are declared in {@link StmtParts}, and named
 * {@code Stmt.MountArg}, {@code Stmt.Request}, ... through it.
 */
public sealed interface Stmt extends StmtParts {

  /** The position of the first token. */
  Pos pos();

  /**
   * Dispatches on the statement's kind: {@code v}'s method for this record. Every record
   * implements it, and {@link StmtVisitor} has one abstract method per record, so a new kind of
   * statement does not compile until every interpreter says what it does with it.
   */
  <R> R accept(StmtVisitor<R> v);

  /** The source line: the step identity. */
  default int line() {
    return pos().line();
  }

  // ---------------------------------------------------------------- world

  /** {@code mount [OPTION ...]}: at most once, before any thread step. */
  record Mount(Pos pos, List<MountArg> options) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitMount(this);
    }

    public Mount {
      Objects.requireNonNull(pos);
      options = List.copyOf(options);
    }

    /** The option, if present. */
    public Optional<MountArg> option(MountOption option) {
      return options.stream().filter(o -> o.option() == option).findFirst();
    }

    public boolean has(MountOption option) {
      return option(option).isPresent();
    }
  }

  /** {@code lower file|dir|chr|fifo PATH [k=v ...]}: a node of the backing tree. */
  record LowerNode(Pos pos, NodeType type, Word path, List<Item> attrs) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitLowerNode(this);
    }

    public LowerNode {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(type);
      Objects.requireNonNull(path);
      attrs = List.copyOf(attrs);
    }
  }

  /** {@code lower link PATH -> TARGET}: a hard link, {@code path} names {@code target}'s inode. */
  record LowerLink(Pos pos, Word path, Word target) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitLowerLink(this);
    }

    public LowerLink {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
      Objects.requireNonNull(target);
    }
  }

  /** {@code lower unlink PATH}: the server side removes a name. */
  record LowerUnlink(Pos pos, Word path) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitLowerUnlink(this);
    }

    public LowerUnlink {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
    }
  }

  /** {@code lower write /a offset=0 "ZZZ"}: an outside writer changes the lower file. */
  record LowerWrite(Pos pos, Word path, Value.Int offset, Value.Data data) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitLowerWrite(this);
    }

    public LowerWrite {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
      Objects.requireNonNull(offset);
      Objects.requireNonNull(data);
    }
  }

  /** {@code lower set PATH k=v ...}: the server side changes an existing node. */
  record LowerSet(Pos pos, Word path, List<Item> attrs) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitLowerSet(this);
    }

    public LowerSet {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
      attrs = List.copyOf(attrs);
    }
  }

  /** {@code thread NAME [uid=N] [gid=N]}; undeclared threads (and T1) are root. */
  record ThreadDecl(Pos pos, Word thread, List<Item> creds) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitThreadDecl(this);
    }

    public ThreadDecl {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(thread);
      creds = List.copyOf(creds);
    }
  }

  // ---------------------------------------------------------------- server

  /** {@code server OP PATH REPLY}: how the server answers OP on PATH from now on. */
  record ServerPolicy(Pos pos, ServerOp op, Word path, ReplyClause reply) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerPolicy(this);
    }

    public ServerPolicy {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(op);
      Objects.requireNonNull(path);
      Objects.requireNonNull(reply);
    }
  }

  /** {@code server hold OP [PATH]}: matching requests wait for a {@link ServerReply}. */
  record ServerHold(Pos pos, ServerOp op, Optional<Word> path) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerHold(this);
    }

    public ServerHold {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(op);
      Objects.requireNonNull(path);
    }
  }

  /** {@code server unhold OP [PATH]}: stop holding; requests held so far stay held. */
  record ServerUnhold(Pos pos, ServerOp op, Optional<Word> path) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerUnhold(this);
    }

    public ServerUnhold {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(op);
      Objects.requireNonNull(path);
    }
  }

  /** {@code server reply THREAD OP [REPLY]}: answer THREAD's held request; no reply = policy. */
  record ServerReply(Pos pos, Word thread, ServerOp op, Optional<ReplyClause> reply) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerReply(this);
    }

    public ServerReply {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(thread);
      Objects.requireNonNull(op);
      Objects.requireNonNull(reply);
    }
  }

  /**
   * {@code server backing_open TARGET [flags=N] [padding=N] [ops=LIST] = RESULT}:
   * FUSE_DEV_IOC_BACKING_OPEN; the outcome is the expected backing id or {@code -1 ERRNO}.
   */
  record BackingOpen(Pos pos, BackingTarget target, List<Item> params, Outcome outcome)
      implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitBackingOpen(this);
    }

    public BackingOpen {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(target);
      params = List.copyOf(params);
      Objects.requireNonNull(outcome);
    }
  }

  /** {@code server backing_close ID = RESULT}: FUSE_DEV_IOC_BACKING_CLOSE. */
  record BackingClose(Pos pos, Value.Int id, Outcome outcome) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitBackingClose(this);
    }

    public BackingClose {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(id);
      Objects.requireNonNull(outcome);
    }
  }

  /**
   * {@code server like PRESET}: the policies of a known server for every path at once
   * ({@link ServerPreset}); later {@code server OP PATH REPLY} lines override them per path.
   */
  record ServerLike(Pos pos, ServerPreset preset) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerLike(this);
    }

    public ServerLike {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(preset);
    }
  }

  /** {@code server crash}: the daemon dies and the connection is aborted. */
  record ServerCrash(Pos pos) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerCrash(this);
    }

    public ServerCrash {
      Objects.requireNonNull(pos);
    }
  }

  /**
   * {@code server fault OP FAULT}: the daemon's next reply to an OP request is written broken
   * (issue 16 §4: a bad length, an unknown unique, a cut payload, a bare EIO, or no reply and
   * /dev/fuse closed); the model replays what fs/fuse/dev.c makes of it (Dev.faulted).
   */
  record ServerFault(Pos pos, Opcode op, fusesim.model.fuse.ReplyFault fault) implements Stmt {
    public ServerFault {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(op);
      Objects.requireNonNull(fault);
    }

    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerFault(this);
    }
  }

  /** {@code server notify inval_entry|inval_inode|prune PATH}. */
  record ServerNotify(Pos pos, NotifyKind kind, Word path) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitServerNotify(this);
    }

    public ServerNotify {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(kind);
      Objects.requireNonNull(path);
    }
  }

  // ---------------------------------------------------------------- thread steps

  /** A syscall line of a thread, strace-like. */
  sealed interface ThreadStep extends Stmt {
    /** The thread, {@code T} and digits. */
    Word thread();

    Syscall syscall();
  }

  /** {@code T1 NAME(ARGS) = RESULT [{k=v ...}]}: a call that completes at once. */
  record Call(Pos pos, Word thread, Syscall syscall, List<Value> args, Outcome outcome,
      List<Item> checks) implements ThreadStep {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitCall(this);
    }

    public Call {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(thread);
      Objects.requireNonNull(syscall);
      args = List.copyOf(args);
      Objects.requireNonNull(outcome);
      checks = List.copyOf(checks);
    }
  }

  /** {@code T1 NAME(ARGS <unfinished ...>}: the call starts and blocks. */
  record Unfinished(Pos pos, Word thread, Syscall syscall, List<Value> args)
      implements ThreadStep {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitUnfinished(this);
    }

    public Unfinished {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(thread);
      Objects.requireNonNull(syscall);
      args = List.copyOf(args);
    }
  }

  /**
   * {@code T1 <... NAME resumed>) = RESULT [{k=v ...}]}: the thread's blocked call returns. The
   * parser does not pair it with its {@link Unfinished}; replay does.
   */
  record Resumed(Pos pos, Word thread, Syscall syscall, Outcome outcome, List<Item> checks)
      implements ThreadStep {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitResumed(this);
    }

    public Resumed {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(thread);
      Objects.requireNonNull(syscall);
      Objects.requireNonNull(outcome);
      checks = List.copyOf(checks);
    }
  }

  // ---------------------------------------------------------------- other steps

  /** {@code tick DURATION}: advance the clock (entry and attr timeouts). */
  record Tick(Pos pos, Value.Time duration) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitTick(this);
    }

    public Tick {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(duration);
    }
  }

  /** {@code evict PATH}: the kernel drops the unused dentry and inode (FORGET follows). */
  record Evict(Pos pos, Word path) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitEvict(this);
    }

    public Evict {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
    }
  }

  /** {@code drop_caches}. */
  record DropCaches(Pos pos) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitDropCaches(this);
    }

    public DropCaches {
      Objects.requireNonNull(pos);
    }
  }

  /** {@code umount}. */
  record Umount(Pos pos) implements Stmt {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitUmount(this);
    }

    public Umount {
      Objects.requireNonNull(pos);
    }
  }

  // ---------------------------------------------------------------- expectations

  /** An expectation: checked when replay reaches its line. */
  sealed interface Expect extends Stmt {
    /**
     * Whether it checks the model's internal state, which a real-kernel replay cannot observe
     * (and skips, saying so).
     */
    boolean modelOnly();
  }

  /**
   * {@code expect requests REQ ...}: exactly these FUSE requests, in order, since the previous
   * {@code expect requests} (or the start); an empty list means none.
   */
  record ExpectRequests(Pos pos, List<Request> requests) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectRequests(this);
    }

    public ExpectRequests {
      Objects.requireNonNull(pos);
      requests = List.copyOf(requests);
    }

    @Override
    public boolean modelOnly() {
      return false;
    }
  }

  /** {@code expect no OPCODE}: no request of this opcode since the previous expect requests. */
  record ExpectNo(Pos pos, Opcode opcode) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectNo(this);
    }

    public ExpectNo {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(opcode);
    }

    @Override
    public boolean modelOnly() {
      return false;
    }
  }

  /** {@code expect inode PATH k=v ...}: state of the FUSE inode at PATH (model only). */
  record ExpectInode(Pos pos, Word path, List<Item> items) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectInode(this);
    }

    public ExpectInode {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
      items = List.copyOf(items);
    }

    @Override
    public boolean modelOnly() {
      return true;
    }
  }

  /** {@code expect backing ID k=v ...}: state of a backing id (model only). */
  record ExpectBacking(Pos pos, Value.Int id, List<Item> items) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectBacking(this);
    }

    public ExpectBacking {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(id);
      items = List.copyOf(items);
    }

    @Override
    public boolean modelOnly() {
      return true;
    }
  }

  /** {@code expect file FD k=v ...}: state of the open file behind a thread fd (model only). */
  record ExpectFile(Pos pos, Value.Int fd, List<Item> items) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectFile(this);
    }

    public ExpectFile {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(fd);
      items = List.copyOf(items);
    }

    @Override
    public boolean modelOnly() {
      return true;
    }
  }

  /** {@code expect conn k=v ...}: state of the FUSE connection (model only). */
  record ExpectConn(Pos pos, List<Item> items) implements Expect {
    @Override
    public <R> R accept(StmtVisitor<R> v) {
      return v.visitExpectConn(this);
    }

    public ExpectConn {
      Objects.requireNonNull(pos);
      items = List.copyOf(items);
    }

    @Override
    public boolean modelOnly() {
      return true;
    }
  }
}
