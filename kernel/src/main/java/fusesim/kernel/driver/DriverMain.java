package fusesim.kernel.driver;

import fusesim.kernel.sys.Libc;
import fusesim.model.Errno;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The syscall driver process: the only process that touches the mount. One OS thread per trace thread,
 * each with its own credentials set with raw setresgid/setresuid syscalls (per-thread in the kernel,
 * unlike glibc's setuid which changes every thread). Speaks the {@link LineProtocol} line protocol on stdin and
 * stdout. {@code seq TAB T1 TAB thread TAB uid TAB gid} creates a thread and answers its tid.
 *
 * <p>One driver serves many sessions in turn (starting a JVM per trace costs ~200 ms). A session's
 * threads are named with its own prefix and are never reused, so each has exactly the credentials
 * its session declared (set once, on a fresh thread created by the root main thread). {@code seq
 * TAB PREFIX TAB reset} ends the threads whose name starts with PREFIX and closes every fd and
 * unmaps every mapping the trace calls made and did not undo (the mount they refer to is gone),
 * so the next session starts clean.
 */
public final class DriverMain {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false, StandardCharsets.UTF_8);
    private final Map<String, BlockingQueue<List<String>>> threads = new ConcurrentHashMap<>();
    /** Tells a trace thread to end (its queue's last element). */
    private static final List<String> END = List.of("0", "-", "end");
    /** The fds that open/dup returned and close did not free yet (any thread). */
    static final java.util.Set<Integer> FDS = ConcurrentHashMap.newKeySet();
    /** The mappings mmap made and munmap did not undo: address to length. */
    static final Map<Long, Long> MAPS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Libc.ensureLoaded();
        new DriverMain().serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        System.exit(0);
    }

    private void serve(BufferedReader in) throws java.io.IOException {
        String line;
        while ((line = in.readLine()) != null) {
            List<String> f = LineProtocol.split(line);
            if (f.get(2).equals("exit")) {
                break;
            }
            if (f.get(2).equals("thread")) {
                startThread(f);
            } else if (f.get(2).equals("reset")) {
                respond(f.get(0), List.of("= " + reset(f.get(1))));
            } else {
                BlockingQueue<List<String>> q = threads.get(f.get(1));
                if (q == null) {
                    respond(f.get(0), List.of("-1", "ESRCH"));
                } else {
                    q.add(f);
                }
            }
        }
    }

    /** Ends the threads named {@code prefix...}; closes the fds and unmaps what is left. The count undone. */
    private int reset(String prefix) {
        for (String name : List.copyOf(threads.keySet())) {
            if (name.startsWith(prefix)) {
                threads.remove(name).add(END);
            }
        }
        int n = 0;
        for (Integer fd : List.copyOf(FDS)) {
            FDS.remove(fd);
            Libc.close(fd);
            n++;
        }
        for (Map.Entry<Long, Long> m : List.copyOf(MAPS.entrySet())) {
            MAPS.remove(m.getKey());
            Libc.munmap(m.getKey(), m.getValue());
            n++;
        }
        return n;
    }

    private void startThread(List<String> f) {
        BlockingQueue<List<String>> q = new LinkedBlockingQueue<>();
        threads.put(f.get(1), q);
        Thread t = new Thread(() -> run(f, q), "driver-" + f.get(1));
        t.setDaemon(true);
        t.start();
    }

    private static void run(List<String> create, BlockingQueue<List<String>> q) {
        String problem = become(Integer.parseInt(create.get(3)), Integer.parseInt(create.get(4)));
        respond(create.get(0), problem == null ? List.of("= " + Libc.gettid()) : List.of("-1", problem));
        Syscalls sys = new Syscalls();
        while (true) {
            List<String> call;
            try {
                call = q.take();
            } catch (InterruptedException e) {
                sys.close();
                return;
            }
            if (call == END) {
                sys.close();
                return;
            }
            List<String> result;
            try {
                result = sys.run(call.get(2), call.subList(3, call.size()));
            } catch (RuntimeException | LinkageError e) {
                // a step always gets an answer: a class the driver cannot load must not hang it
                result = List.of("-1", "EINVAL", "problem=" + e);
            }
            respond(call.get(0), result);
        }
    }

    /** Sets this thread's gid then uid (setgroups to none first), only if not root. */
    private static String become(int uid, int gid) {
        if (uid == 0 && gid == 0) {
            return null;
        }
        if (Libc.syscall(Libc.SYS_SETGROUPS, 0, 0, 0) != 0
                || Libc.syscall(Libc.SYS_SETRESGID, gid, gid, gid) != 0
                || Libc.syscall(Libc.SYS_SETRESUID, uid, uid, uid) != 0) {
            return Errno.nameOf(Libc.errno());
        }
        return null;
    }

    private static void respond(String seq, List<String> result) {
        List<String> f = new ArrayList<>();
        f.add(seq);
        f.addAll(result);
        String line = LineProtocol.join(f);
        synchronized (OUT) {
            OUT.print(line);
            OUT.print('\n');
            OUT.flush();
        }
    }
}
