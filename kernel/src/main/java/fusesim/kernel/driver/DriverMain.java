package fusesim.kernel.driver;

import fusesim.kernel.sys.Errno;
import fusesim.kernel.sys.Libc;
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
 * unlike glibc's setuid which changes every thread). Speaks the {@link Wire} line protocol on stdin and
 * stdout. {@code seq TAB T1 TAB thread TAB uid TAB gid} creates a thread and answers its tid.
 */
public final class DriverMain {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false, StandardCharsets.UTF_8);
    private final Map<String, BlockingQueue<List<String>>> threads = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Libc.ensureLoaded();
        new DriverMain().serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        System.exit(0);
    }

    private void serve(BufferedReader in) throws java.io.IOException {
        String line;
        while ((line = in.readLine()) != null) {
            List<String> f = Wire.split(line);
            if (f.get(2).equals("exit")) {
                break;
            }
            if (f.get(2).equals("thread")) {
                startThread(f);
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
                return;
            }
            List<String> result;
            try {
                result = sys.run(call.get(2), call.subList(3, call.size()));
            } catch (RuntimeException e) {
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
            return Errno.name(Libc.errno());
        }
        return null;
    }

    private static void respond(String seq, List<String> result) {
        List<String> f = new ArrayList<>();
        f.add(seq);
        f.addAll(result);
        String line = Wire.join(f);
        synchronized (OUT) {
            OUT.print(line);
            OUT.print('\n');
            OUT.flush();
        }
    }
}
