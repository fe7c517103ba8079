package fusesim.kernel.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Controller side of the driver process: starts {@link DriverMain} with this JVM's classpath (cwd "/",
 * never on the mount), sends calls and completes a future per call from the driver's answers.
 */
public final class DriverClient implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final Map<Long, CompletableFuture<Result>> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final Thread reader;
    private final StringBuffer stderr = new StringBuffer();
    /** Set once the driver's syscall path has been warmed up (JIT, JNA) by a session. */
    private volatile boolean warmed;

    /** The driver sessions share, and whether a session holds it now. */
    private static DriverClient shared;
    private static boolean sharedInUse;
    private static final java.util.concurrent.atomic.AtomicInteger LEASES = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

    private DriverClient(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::readAnswers, "fusesim-driver-reader");
        reader.setDaemon(true);
        reader.start();
        Thread err = new Thread(this::readStderr, "fusesim-driver-stderr");
        err.setDaemon(true);
        err.start();
    }

    /**
     * The shared driver for a session: the running one, or a new one if none runs (or it died).
     * If another session holds it, a private driver is started. Give it back with
     * {@link #giveBack}.
     */
    public static synchronized DriverClient lease() {
        LEASES.incrementAndGet();
        if (sharedInUse) {
            return start();
        }
        if (shared == null || !shared.alive()) {
            shared = start();
        }
        sharedInUse = true;
        return shared;
    }

    /**
     * Ends a session's use of {@code d}: {@code clean} when every call of the session returned and
     * its {@code reset} succeeded, so the driver can serve the next session; otherwise it is stopped
     * (killed if it does not exit) and the next session starts a fresh one.
     */
    public static void giveBack(DriverClient d, boolean clean) {
        synchronized (DriverClient.class) {
            if (d == shared) {
                sharedInUse = false;
                if (clean && d.alive()) {
                    return;
                }
                shared = null;
            } else if (clean && d.alive() && shared == null) {
                shared = d; // a private driver in good shape becomes the shared one
                return;
            }
        }
        d.stop(Duration.ofSeconds(2));
    }

    /** Drivers started by this JVM, and sessions served (for the rates in tests and reports). */
    public static int starts() {
        return STARTS.get();
    }

    public static int leases() {
        return LEASES.get();
    }

    /** True once a session warmed this driver up. */
    public boolean warmed() {
        return warmed;
    }

    public void markWarmed() {
        warmed = true;
    }

    /**
     * Ends the threads named {@code prefix...} and closes the fds and mappings trace calls left
     * (see {@link DriverMain}). Returns false if the driver did not answer within {@code timeout}.
     */
    public boolean reset(String prefix, Duration timeout) {
        try {
            Result r = await(call(prefix, "reset"), timeout, "driver reset");
            return r.ok();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Starts a driver JVM. */
    public static DriverClient start() {
        STARTS.incrementAndGet();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx64m", "-Djava.io.tmpdir=/tmp", "-cp", classpath(), DriverMain.class.getName());
        try {
            Process p = new ProcessBuilder(cmd).directory(new java.io.File("/")).start();
            return new DriverClient(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the syscall driver: " + e.getMessage());
        }
    }

    /**
     * This module's classes, the model's (the driver names errnos with {@link fusesim.model.Errno})
     * and the JNA jar. A class the driver uses but cannot load fails the step that first needs it:
     * once, with the model missing here, every failing syscall hung its step instead of answering.
     */
    static String classpath() {
        return String.join(java.io.File.pathSeparator, location(DriverMain.class),
                location(fusesim.model.Errno.class), location(com.sun.jna.Native.class));
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + c.getName());
        }
    }

    private void readAnswers() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                List<String> f = LineProtocol.split(line);
                CompletableFuture<Result> fut = pending.remove(Long.parseLong(f.get(0)));
                if (fut != null) {
                    fut.complete(Result.parse(f));
                }
            }
        } catch (IOException | RuntimeException e) {
            stderr.append("driver answer stream failed: ").append(e).append('\n');
        }
        IllegalStateException dead = new IllegalStateException("syscall driver exited: " + stderrTail());
        pending.values().forEach(f -> f.completeExceptionally(dead));
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stderr.append(line).append('\n');
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    private String stderrTail() {
        String s = stderr.toString().strip();
        return s.isEmpty() ? "(no output)" : s.substring(Math.max(0, s.length() - 500));
    }

    /** Sends one call for {@code thread}; the future completes when the driver thread returns. */
    public CompletableFuture<Result> call(String thread, String op, Object... args) {
        long id = seq.incrementAndGet();
        CompletableFuture<Result> f = new CompletableFuture<>();
        pending.put(id, f);
        List<String> fields = new ArrayList<>(List.of(Long.toString(id), thread, op));
        for (Object a : args) {
            fields.add(String.valueOf(a));
        }
        send(LineProtocol.join(fields));
        return f;
    }

    private synchronized void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException("syscall driver is gone: " + stderrTail());
        }
    }

    /** Creates driver thread {@code name} running with uid/gid; returns its tid. */
    public int thread(String name, int uid, int gid, Duration timeout) {
        Result r = await(call(name, "thread", uid, gid), timeout, "create thread " + name);
        if (!r.ok()) {
            throw new IllegalStateException("cannot set credentials of thread " + name + ": " + r.errno());
        }
        return (int) r.value();
    }

    /** Waits for a call's result; a clear exception on timeout. */
    public static Result await(CompletableFuture<Result> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StepTimeoutException(what + " did not return within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted");
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Asks the driver to exit, then kills it if it does not within {@code grace}. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            try {
                send("0\t-\texit");
            } catch (IllegalStateException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }

    /** Thrown when a step does not finish in time (the session then aborts the connection). */
    public static final class StepTimeoutException extends IllegalStateException {
        public StepTimeoutException(String message) {
            super(message);
        }
    }
}
