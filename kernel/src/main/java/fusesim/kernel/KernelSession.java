package fusesim.kernel;

import fusesim.kernel.driver.DriverClient;
import fusesim.kernel.driver.Result;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.Answer;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.RecordedRequest;
import fusesim.kernel.server.RulePolicy;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.FuseDevice;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.Mounts;
import fusesim.kernel.sys.Watchdog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One scenario on the real kernel, driven statement by statement the way a trace reads: build the lower
 * tree, {@link #mount}, set server policies, run syscalls on trace threads, compare requests. The FUSE
 * server runs in this JVM; syscalls run in a separate driver process. Closing always tears everything
 * down (abort through fusectl, lazy unmount), also after failures; every wait has a timeout.
 */
public final class KernelSession implements AutoCloseable {
    private final Duration stepTimeout;
    private final Duration grace = Duration.ofMillis(50);
    private final LowerTree tree;
    private final RulePolicy rules = new RulePolicy();
    private final Map<String, int[]> declaredThreads = new LinkedHashMap<>();
    private final Map<String, Integer> tids = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Result>> running = new LinkedHashMap<>();
    private final Map<String, String> runningCall = new LinkedHashMap<>();
    private final Map<String, Object[]> runningArgs = new LinkedHashMap<>();
    /** Trace fds, mmap names and paths, translated for the driver ({@link CallTranslator}). */
    private final CallTranslator translator = new CallTranslator(this::requireMountpoint);
    private final Thread shutdownHook = new Thread(this::close, "fusesim-session-cleanup");
    private static final java.util.concurrent.atomic.AtomicInteger SESSIONS = new java.util.concurrent.atomic.AtomicInteger();
    /** This session's driver thread names start with it: threads are never shared between sessions. */
    private final String prefix = "s" + SESSIONS.incrementAndGet() + ".";
    /** Every call sent to the driver, so close() knows whether all returned (then the driver is reused). */
    private final List<CompletableFuture<Result>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    private FuseServer server;
    private fusesim.kernel.server.Policy customPolicy;
    private Path mountpoint;
    private DriverClient driver;
    private int logMark;
    private boolean closed;

    private static final boolean PROFILE = Boolean.getBoolean("fusesim.replay.profile");

    private KernelSession(Duration stepTimeout) {
        this.stepTimeout = stepTimeout;
        long t0 = System.nanoTime();
        Libc.ensureLoaded();
        Mounts.cleanupStale();
        tree = new LowerTree(Mounts.freshDir(Mounts.LOWER_PREFIX));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        profile("session open", t0);
    }

    private static void profile(String what, long t0) {
        if (PROFILE) {
            System.err.printf("session %s %.2f ms%n", what, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** A new session with a 5 s per-step timeout; cleans up what crashed earlier runs left behind. */
    public static KernelSession open() {
        return open(Duration.ofSeconds(5));
    }

    public static KernelSession open(Duration stepTimeout) {
        return new KernelSession(stepTimeout);
    }

    // ---- setup (before mount) ----

    /** {@code lower file /a ino=10 mode=0644 uid=.. gid=.. size=..}; {@code ino} null = the real st_ino. */
    public KernelSession lowerFile(String path, long size, int mode, int uid, int gid, Long ino) {
        tree.file(path, size, mode, uid, gid, ino);
        return this;
    }

    public KernelSession lowerDir(String path, int mode, int uid, int gid, Long ino) {
        tree.dir(path, mode, uid, gid, ino);
        return this;
    }

    /** {@code lower link /b -> /a}: a hard link. */
    public KernelSession lowerLink(String newPath, String existing) {
        tree.link(newPath, existing);
        return this;
    }

    public KernelSession lowerSymlink(String path, String target) {
        tree.symlink(path, target);
        return this;
    }

    /** {@code thread T2 uid=1000 gid=1000}; undeclared threads run as root. */
    public KernelSession thread(String name, int uid, int gid) {
        declaredThreads.put(name, new int[] {uid, gid});
        return this;
    }

    /** Mounts with the server's INIT reply built from {@code config}; waits for INIT. */
    public void mount(ServerConfig config) {
        if (server != null) {
            throw new IllegalStateException("already mounted");
        }
        try (Watchdog.Armed w = Watchdog.arm(stepTimeout.multipliedBy(2), this::emergencyAbort)) {
            long t0 = System.nanoTime();
            FuseDevice dev = FuseDevice.open();
            server = new FuseServer(tree, config);
            server.policy(customPolicy != null ? customPolicy : rules);
            mountpoint = Mounts.freshDir(Mounts.MOUNT_PREFIX);
            try {
                Mounts.mount(dev.fd(), mountpoint, config.allowOther(), config.defaultPermissions());
            } catch (IllegalStateException e) {
                dev.close();
                throw e;
            }
            profile("mount syscall", t0);
            server.start(dev);
            server.awaitInit(stepTimeout);
            profile("mount+init", t0);
            driver = DriverClient.lease();
            profile("mount+init+driver", t0);
        }
    }

    // ---- server ----

    /** {@code server <op> <path> <reply>}: from now on answer {@code op} on {@code path} (null: any) so. */
    public void policy(String op, String path, Answer reply) {
        rules.set(WireOpcode.parse(op), path, reply);
    }

    /** Answers with {@code p} instead of the per-(op, path) rules of {@link #policy(String, String, Answer)}. */
    public void usePolicy(fusesim.kernel.server.Policy p) {
        customPolicy = p;
        if (server != null) {
            server.policy(p);
        }
    }

    /** The lower tree (for server-side changes while mounted). */
    public LowerTree tree() {
        return tree;
    }

    /**
     * {@code server backing_open mount:/a}: BACKING_OPEN of a file on this FUSE mount. The driver opens it
     * (this JVM never touches the mount) and the fd is copied here with pidfd_getfd(2). The id or -errno;
     * an open that fails is the statement's -errno (the server has no fd to pass), as in the model
     * (traces' ServerOwnOpen).
     */
    public int backingOpenMount(String tracePath, int flags, long padding) {
        String helper = threadName("srv-helper");
        Result r = DriverClient.await(send(helper, "open", translator.path(tracePath), 0, 0),
                stepTimeout, "open mount:" + tracePath);
        if (!r.ok()) {
            fusesim.model.Errno e = fusesim.model.Errno.named(r.errno());
            if (e == null) {
                throw new IllegalStateException("cannot open mount:" + tracePath + ": " + r.errno());
            }
            return -e.value;
        }
        int remote = (int) r.value();
        try {
            int pidfd = (int) Libc.syscall(434 /* pidfd_open */, driver.pid(), 0, 0);
            if (pidfd < 0) {
                throw new IllegalStateException("pidfd_open: " + fusesim.model.Errno.nameOf(Libc.errno()));
            }
            int fd = (int) Libc.syscall(438 /* pidfd_getfd */, pidfd, remote, 0);
            int err = Libc.errno();
            Libc.close(pidfd);
            if (fd < 0) {
                throw new IllegalStateException("pidfd_getfd: " + fusesim.model.Errno.nameOf(err));
            }
            try {
                return requireServer().backingOpenOwnFd(fd, flags, padding);
            } finally {
                Libc.close(fd);
            }
        } finally {
            DriverClient.await(send(helper, "close", remote), stepTimeout, "close mount:" + tracePath);
        }
    }

    /** {@code server hold <op> <path>}. */
    public void hold(String op, String path) {
        policy(op, path, Answer.HOLD);
    }

    /**
     * {@code server reply T1 lookup <reply>}: answers the held {@code op} request sent by {@code thread}.
     * Returns 0 or the errno of the reply write (ENOENT if the request was interrupted).
     */
    public int reply(String thread, String op, Answer reply) {
        int tid = tid(thread);
        WireOpcode o = WireOpcode.parse(op);
        FuseServer.Held h = requireServer().awaitHeld(r -> r.op() == o && r.pid() == tid, stepTimeout)
                .orElseThrow(() -> new IllegalStateException("no held " + o + " request from " + thread
                        + " (tid " + tid + "); held: " + server.held()));
        return server.release(h, reply);
    }

    /** {@code server backing_open /a}: the id or -errno. */
    public int backingOpen(String path, int flags, long padding) {
        return requireServer().backingOpen(path, flags, padding);
    }

    /** BACKING_OPEN with a raw fd number (-1, 9999, ...). */
    public int backingOpenFd(int fd, int flags, long padding) {
        return requireServer().backingOpenFd(fd, flags, padding);
    }

    /** {@code server backing_close N}: 0 or -errno. */
    public int backingClose(int id) {
        return requireServer().backingClose(id);
    }

    /** {@code server crash}: the daemon closes /dev/fuse; the kernel aborts the connection. */
    public void crash() {
        requireServer().crash();
    }

    /** The server's problems (rejected replies, undecodable messages). */
    public List<String> serverProblems() {
        return requireServer().problems();
    }

    public FuseServer server() {
        return requireServer();
    }

    /**
     * The FUSE requests since the previous call, after the request stream settles, in trace form
     * without their in-struct fields ({@code OPEN(10)}); the fields are in {@link FuseServer}'s log.
     */
    public List<String> requestsSince() {
        List<RecordedRequest> log = settledLog();
        List<String> out = new ArrayList<>();
        for (RecordedRequest r : log.subList(Math.min(logMark, log.size()), log.size())) {
            out.add(r.brief());
        }
        logMark = log.size();
        return out;
    }

    private List<RecordedRequest> settledLog() {
        List<RecordedRequest> log = requireServer().log();
        for (int i = 0; i < 50; i++) {
            sleep(Duration.ofMillis(10));
            List<RecordedRequest> again = server.log();
            if (again.size() == log.size()) {
                return again;
            }
            log = again;
        }
        return log;
    }

    // ---- syscalls ----

    /** Runs a syscall on a trace thread and waits for it (trace: {@code T1 open("/a", O_RDONLY) = 3}). */
    public Result syscall(String thread, String name, Object... args) {
        start(thread, name, args);
        return awaitResult(thread);
    }

    /** Starts a syscall without waiting (trace: {@code T1 stat("/a" <unfinished ...>}). */
    public void start(String thread, String name, Object... args) {
        if (running.containsKey(thread)) {
            throw new IllegalStateException(thread + " is still in " + runningCall.get(thread));
        }
        List<Object> real = translator.translate(name, args);
        translator.started(thread, name, args);
        runningCall.put(thread, name);
        runningArgs.put(thread, args);
        running.put(thread, send(threadName(thread), name, real.toArray()));
    }

    /**
     * Waits for the call started on {@code thread} ({@code <... open resumed>}). On timeout the
     * connection is aborted (which unblocks the thread) and a clear error is thrown.
     */
    public Result awaitResult(String thread) {
        CompletableFuture<Result> f = running.get(thread);
        if (f == null) {
            throw new IllegalStateException(thread + " has no call in progress");
        }
        String call = runningCall.get(thread);
        try {
            Result r = DriverClient.await(f, stepTimeout, thread + " " + call);
            return translator.afterCall(thread, call, runningArgs.get(thread), r);
        } catch (DriverClient.StepTimeoutException e) {
            emergencyAbort();
            throw e;
        } finally {
            running.remove(thread);
            runningCall.remove(thread);
            runningArgs.remove(thread);
        }
    }

    /**
     * True if the call on {@code thread} is really blocked in the kernel on the server: it has not
     * returned within a grace period and the server holds a request whose in-header pid is its tid.
     */
    public boolean isBlocked(String thread) {
        CompletableFuture<Result> f = running.get(thread);
        if (f == null) {
            return false;
        }
        int tid = tid(thread);
        Optional<FuseServer.Held> h = requireServer().awaitHeld(r -> r.pid() == tid, stepTimeout);
        sleep(grace);
        return h.isPresent() && !f.isDone();
    }

    /** True if the call started on {@code thread} has not returned yet (no waiting). */
    public boolean running(String thread) {
        CompletableFuture<Result> f = running.get(thread);
        return f != null && !f.isDone();
    }

    /** Sends a call to the driver thread {@code wireName}, remembering it for close(). */
    private CompletableFuture<Result> send(String wireName, String op, Object... args) {
        CompletableFuture<Result> f = requireDriver().call(wireName, op, args);
        calls.add(f);
        return f;
    }

    /**
     * Starts the driver's JNA and syscall path on a helper thread (a harmless {@code access("/")}
     * outside the mount), so the first trace step does not pay the driver JVM's warm-up. Done once
     * per driver: a driver reused from an earlier session is warm.
     */
    public void warmUp() {
        if (requireDriver().warmed()) {
            return;
        }
        String helper = threadName("srv-helper");
        Path scratch = Mounts.freshDir(Mounts.LOWER_PREFIX);
        String f = scratch.resolve("f").toString();
        String data = Base64.getEncoder().encodeToString(new byte[64]);
        try {
            for (int i = 0; i < 30; i++) {
                Result fd = DriverClient.await(send(helper, "open", f, Libc.O_RDWR | Libc.O_CREAT, 0644),
                        stepTimeout, "warm-up");
                long n = fd.value();
                for (Object[] c : new Object[][] {{"write", n, data}, {"pread", n, 64, 0}, {"read", n, 64},
                        {"fstat", n}, {"stat", f}, {"access", f, 0}, {"close", n}}) {
                    Object[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
                    DriverClient.await(send(helper, (String) c[0], args), stepTimeout, "warm-up");
                }
            }
        } finally {
            Mounts.removeTree(scratch);
        }
        threadName("srv-helper-2"); // warms the driver's thread creation too
        driver.markWarmed();
    }

    /**
     * True if the call on {@code thread} is asleep in the kernel: its driver thread is in state S or
     * D (/proc/PID/task/TID/stat) on two looks 5 ms apart and the call has not returned. A thread
     * that finished its syscall answers within microseconds, so it does not stay unreturned.
     */
    public boolean asleep(String thread) {
        if (!running(thread)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(requireDriver().pid()), "task", Integer.toString(tid(thread)), "stat");
        for (int look = 0; look < 2; look++) {
            if (look > 0) {
                sleep(Duration.ofMillis(5));
            }
            try {
                String st = java.nio.file.Files.readString(stat);
                char state = st.charAt(st.lastIndexOf(')') + 2);
                if (state != 'S' && state != 'D') {
                    return false;
                }
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }
        return running(thread);
    }

    /** True if the call has not returned within the grace period (blocked somewhere, maybe not on us). */
    public boolean stillRunning(String thread) {
        CompletableFuture<Result> f = running.get(thread);
        sleep(grace);
        return f != null && !f.isDone();
    }

    /** The driver's name for trace thread {@code thread} (created, with its credentials, on first use). */
    private String threadName(String thread) {
        String wire = prefix + thread;
        if (!tids.containsKey(thread)) {
            int[] cred = declaredThreads.getOrDefault(thread, new int[] {0, 0});
            tids.put(thread, requireDriver().thread(wire, cred[0], cred[1], stepTimeout));
        }
        return wire;
    }

    /** The effective uid and gid of trace thread {@code thread}'s driver thread, as the kernel sees them. */
    public int[] credentials(String thread) {
        Result r = DriverClient.await(send(threadName(thread), "creds"), stepTimeout, "creds of " + thread);
        return new int[] {Integer.parseInt(r.fields().get("uid")), Integer.parseInt(r.fields().get("gid"))};
    }

    /** The driver process (for tests: the driver is reused across sessions). */
    public long driverPid() {
        return requireDriver().pid();
    }

    /** The trace thread whose driver thread has kernel tid {@code tid}, or null (a kworker, the server, ...). */
    public String threadOfTid(int tid) {
        for (Map.Entry<String, Integer> e : tids.entrySet()) {
            if (e.getValue() == tid) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The kernel tid of a trace thread's driver thread (creating the thread if needed). */
    public int tid(String thread) {
        threadName(thread);
        return tids.get(thread);
    }


    // ---- teardown ----

    /** {@code umount}: umount2(mountpoint, 0); the result as the trace prints it. */
    public Result umount() {
        int rc = Libc.umount2(requireMountpoint().toString(), 0);
        return rc == 0 ? new Result(0, null, Map.of()) : new Result(-1, fusesim.model.Errno.nameOf(Libc.errno()), Map.of());
    }

    /** The mountpoint (for diagnostics; never touch it from this JVM). */
    public Path mountpoint() {
        return mountpoint;
    }

    /** Aborts the connection through fusectl: every waiter gets ECONNABORTED / ENOTCONN. */
    public void emergencyAbort() {
        if (mountpoint != null) {
            Mounts.connectionId(mountpoint).ifPresent(Mounts::abort);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        boolean busy = server != null && (!server.held().isEmpty() || running.values().stream().anyMatch(f -> !f.isDone()));
        if (busy) {
            emergencyAbort();
        }
        emergencyAbort();
        if (driver != null) {
            // After the abort every call returns (ECONNABORTED / ENOTCONN). The driver serves the
            // next session only if all did and its reset (end our threads, close our fds) answers.
            boolean clean = allReturned(Duration.ofSeconds(2)) && driver.alive()
                    && driver.reset(prefix, Duration.ofSeconds(2));
            DriverClient.giveBack(driver, clean);
            profile("close driver", t0);
        }
        if (server != null) {
            server.close();
        }
        if (mountpoint != null) {
            Mounts.teardown(mountpoint);
        }
        Mounts.removeTree(tree.root());
        profile("close", t0);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down: we are the hook
        }
    }

    private boolean allReturned(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Result>> all;
        synchronized (calls) {
            all = new ArrayList<>(calls);
        }
        for (CompletableFuture<Result> f : all) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                return false; // the driver died
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private FuseServer requireServer() {
        if (server == null) {
            throw new IllegalStateException("not mounted yet");
        }
        return server;
    }

    private DriverClient requireDriver() {
        if (driver == null) {
            throw new IllegalStateException("not mounted yet");
        }
        return driver;
    }

    private Path requireMountpoint() {
        if (mountpoint == null) {
            throw new IllegalStateException("not mounted yet");
        }
        return mountpoint;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
