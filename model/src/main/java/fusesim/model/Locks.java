package fusesim.model;

import fusesim.model.fuse.FuseInode;

/**
 * The inode rwsem (inode_lock / inode_lock_shared) and fi->mutex (fuse_lock_inode): a syscall
 * that cannot take one sleeps on it and retries when the holder releases it. Readers are not
 * fair to writers, as in the model nothing waits long.
 */
public final class Locks {
  private Locks() {}

  /**
   * down_write(): free and no earlier waiter, else queue and sleep. Waiters are served in the
   * order they came (rwsem_down_write_slowpath queues at the tail; the head gets the lock), not
   * in thread-name order (seen on 6.18.44: of two writes waiting behind a held one, the first to
   * wait sends its WRITE first).
   */
  @Mirrors(fn = "down_write", file = "kernel/locking/rwsem.c",
      doc = "The inode lock exclusively; waiters are served first come, first served.")
  public static boolean downWrite(Kernel k, FuseInode fi, Syscall s) {
    String me = s.thread.name + ":w";
    if (fi.rwsem != 0 || !firstInLine(fi, me, false)) {
      queue(fi, me);
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
    dequeue(fi, me);
    fi.rwsem = -1;
    return true;
  }

  /** down_read(): shared, unless held exclusively or a writer waits ahead (rwsem FIFO). */
  @Mirrors(fn = "down_read", file = "kernel/locking/rwsem.c",
      doc = "The inode lock shared; a reader queues behind a waiting writer.")
  public static boolean downRead(Kernel k, FuseInode fi, Syscall s) {
    String me = s.thread.name + ":r";
    if (fi.rwsem < 0 || !firstInLine(fi, me, true)) {
      queue(fi, me);
      return s.sleep(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
    dequeue(fi, me);
    fi.rwsem++;
    return true;
  }

  /**
   * Whether {@code me} may take the lock now as far as the queue goes: nobody waits ahead of it
   * (a reader: no writer waits ahead of it; the readers at the head are woken together).
   */
  private static boolean firstInLine(FuseInode fi, String me, boolean reader) {
    for (String w : fi.rwsemWaiters) {
      if (sameThread(w, me)) {
        return true;
      }
      if (!reader || w.endsWith(":w")) {
        return false;
      }
    }
    return true; // not waiting yet, and nobody ahead that it must let go first
  }

  /**
   * Queues {@code me} at the tail, or keeps its place if its thread already waits: a syscall that
   * retries with the other mode (a direct write that is no longer past EOF takes the lock shared)
   * is still the same waiter.
   */
  private static void queue(FuseInode fi, String me) {
    for (int i = 0; i < fi.rwsemWaiters.size(); i++) {
      if (sameThread(fi.rwsemWaiters.get(i), me)) {
        fi.rwsemWaiters.set(i, me);
        return;
      }
    }
    fi.rwsemWaiters.add(me);
  }

  private static void dequeue(FuseInode fi, String me) {
    fi.rwsemWaiters.removeIf(w -> sameThread(w, me));
  }

  private static boolean sameThread(String a, String b) {
    return a.substring(0, a.indexOf(':')).equals(b.substring(0, b.indexOf(':')));
  }

  public static void upWrite(Kernel k, FuseInode fi) {
    fi.rwsem = 0;
    k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
  }

  public static void upRead(Kernel k, FuseInode fi) {
    if (--fi.rwsem == 0) {
      k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.INODE_RWSEM));
    }
  }

}
