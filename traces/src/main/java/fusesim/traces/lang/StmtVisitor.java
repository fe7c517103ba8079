package fusesim.traces.lang;

/**
 * One method per kind of {@link Stmt}: what an interpreter (printer, model replay, kernel replay,
 * shrinker, liveness judge, ...) does with each. Java 17 has no pattern {@code switch}, so this is
 * the exhaustive dispatch over the sealed {@code Stmt}: there is no default method, and every record
 * implements {@link Stmt#accept} by calling its own method here, so adding a statement kind (a
 * record and its method) fails to compile until every interpreter handles it.
 *
 * <pre>
 * String text = stmt.accept(new Printer());
 * </pre>
 *
 * @param <R> what the interpreter gives per statement ({@link Void} for none)
 */
public interface StmtVisitor<R> {
  // ---------------------------------------------------------------- world

  R visitMount(Stmt.Mount s);

  R visitLowerNode(Stmt.LowerNode s);

  R visitLowerLink(Stmt.LowerLink s);

  R visitLowerUnlink(Stmt.LowerUnlink s);

  R visitLowerWrite(Stmt.LowerWrite s);

  R visitLowerSet(Stmt.LowerSet s);

  R visitThreadDecl(Stmt.ThreadDecl s);

  // ---------------------------------------------------------------- server

  R visitServerPolicy(Stmt.ServerPolicy s);

  R visitServerHold(Stmt.ServerHold s);

  R visitServerUnhold(Stmt.ServerUnhold s);

  R visitServerReply(Stmt.ServerReply s);

  R visitBackingOpen(Stmt.BackingOpen s);

  R visitBackingClose(Stmt.BackingClose s);

  R visitServerLike(Stmt.ServerLike s);

  R visitServerCrash(Stmt.ServerCrash s);

  R visitServerFault(Stmt.ServerFault s);

  R visitServerNotify(Stmt.ServerNotify s);

  // ---------------------------------------------------------------- thread steps

  R visitCall(Stmt.Call s);

  R visitUnfinished(Stmt.Unfinished s);

  R visitResumed(Stmt.Resumed s);

  // ---------------------------------------------------------------- other steps

  R visitTick(Stmt.Tick s);

  R visitEvict(Stmt.Evict s);

  R visitDropCaches(Stmt.DropCaches s);

  R visitUmount(Stmt.Umount s);

  // ---------------------------------------------------------------- expectations

  R visitExpectRequests(Stmt.ExpectRequests s);

  R visitExpectNo(Stmt.ExpectNo s);

  R visitExpectInode(Stmt.ExpectInode s);

  R visitExpectBacking(Stmt.ExpectBacking s);

  R visitExpectFile(Stmt.ExpectFile s);

  R visitExpectConn(Stmt.ExpectConn s);
}
