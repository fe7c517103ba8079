package fusesim.kernel.server;

import com.sun.jna.Memory;
import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.BackingMap;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.FuseAttr;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.InitIn;
import fusesim.kernel.proto.InitOut;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.sys.FuseDevice;
import fusesim.kernel.sys.Libc;
import fusesim.model.Errno;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A raw /dev/fuse server (the daemon side of fs/fuse/dev.c): one reader thread reads each message,
 * records it, asks the {@link Policy} and answers, or parks it when the policy says HOLD. Held requests
 * are answered later from any thread with {@link #release}. BACKING_OPEN/CLOSE ioctls run on demand.
 * {@link #crash} makes the reader drop the device fd, which aborts the connection like a dying daemon.
 */
public final class FuseServer implements AutoCloseable {
    /** Where replies go: the device, or a list in tests. Returns 0 or the write(2) errno. */
    public interface Sink {
        int write(byte[] message);
    }

    /** A request parked by HOLD. */
    public record Held(Request request, long sinceNanos) {}

    private final LowerTree tree;
    private final ServerConfig config;
    private final RequestDecoder decoder;
    private final DefaultHandler defaults;
    private final List<RecordedRequest> log = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final CompletableFuture<InitOut> init = new CompletableFuture<>();
    private volatile Policy policy = Policy.DEFAULT;
    private volatile InitIn offer;
    private volatile boolean entry2;
    private volatile Injection injection;
    private FuseDevice device;
    private Sink sink;
    private Thread reader;
    private volatile String exitReason;

    public FuseServer(LowerTree tree, ServerConfig config) {
        this.tree = tree;
        this.config = config;
        this.decoder = new RequestDecoder(tree);
        this.defaults = new DefaultHandler(tree, config);
    }

    public void policy(Policy p) {
        policy = p;
        defaults.lookupPolicy = p::lookupEntryFields;
    }

    public LowerTree tree() {
        return tree;
    }

    /** Uses {@code sink} for replies without a device (tests feeding recorded byte streams). */
    public void attach(Sink s) {
        sink = s;
    }

    /** Starts the reader on a mounted device (read() before mount() gives EPERM). */
    public void start(FuseDevice dev) {
        device = dev;
        sink = dev::write;
        reader = new Thread(this::readLoop, "fusesim-server");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        Memory buf = FuseDevice.buffer(config.maxWrite);
        while (true) {
            int n = device.read(buf);
            if (n < 0) {
                exitReason = n == FuseDevice.STOPPED ? "stopped" : Errno.nameOf(-n);
                break;
            }
            dispatch(buf.getByteArray(0, n), n);
        }
        init.completeExceptionally(new IllegalStateException("server stopped before INIT: " + exitReason));
    }

    /** Handles one message; never throws (a failure becomes an EIO reply and a recorded problem). */
    public void dispatch(byte[] msg, int len) {
        Request r;
        try {
            r = decoder.decode(msg, len);
        } catch (RequestDecoder.Malformed e) {
            problem("undecodable message: " + e.getMessage());
            if (e.unique != 0 && e.op != WireOpcode.FORGET && e.op != WireOpcode.BATCH_FORGET) {
                sink.write(ReplyEncoder.encode(e.unique, Answer.error(Errno.EIO.value), false)); // its caller waits
            }
            return;
        } catch (RuntimeException e) {
            problem("undecodable message of " + len + " bytes: " + e);
            return;
        }
        record(r);
        try {
            handle(r);
        } catch (RuntimeException e) {
            problem("failed to answer " + r + ": " + e);
            sink.write(ReplyEncoder.encode(r.unique(), Answer.error(Errno.EIO.value), false));
        }
    }

    private void handle(Request r) {
        switch (r.op()) {
            case INIT -> answerInit(r);
            case FORGET, BATCH_FORGET -> r.forgets().forEach(f -> tree.forget(f.nodeid(), f.nlookup()));
            case INTERRUPT -> { }
            default -> decide(r);
        }
    }

    private void decide(Request r) {
        Answer reply = policy.decide(r);
        if (reply instanceof Answer.Hold) {
            synchronized (held) {
                held.add(new Held(r, System.nanoTime()));
                held.notifyAll();
            }
            return;
        }
        respond(r, reply);
    }

    /** Negotiates: the configured flags masked by what the kernel offers (fuse_init_out, 64 bytes). */
    private void answerInit(Request r) {
        InitIn in = (InitIn) r.body();
        offer = in;
        if (config.initError != 0) {
            int err = sink.write(ReplyEncoder.encode(r.unique(), Answer.error(config.initError), false));
            if (err != 0) {
                problem("INIT error reply rejected: " + Errno.nameOf(err));
            }
            init.complete(new InitOut(7, config.minor, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            return;
        }
        long flags = config.requestedFlags() & in.flags64();
        boolean pt = (flags & InitFlags.PASSTHROUGH) != 0;
        InitOut out = new InitOut(7, config.minor, in.maxReadahead(), flags, 16, 12, config.maxWrite, 1,
                config.maxPages, pt ? config.maxStackDepth : 0, 0);
        entry2 = (flags & InitFlags.PASSTHROUGH_INO) != 0 && (flags & InitFlags.INIT_EXT) != 0;
        ByteBuffer b = Wire.allocate(InitOut.SIZE);
        out.encode(b);
        int err = sink.write(ReplyEncoder.message(r.unique(), 0, b.array()));
        if (err != 0) {
            problem("INIT reply rejected: " + Errno.nameOf(err));
        }
        init.complete(out);
    }

    /** Resolves DEFAULT/Patch answers, writes the reply, and does nlookup bookkeeping. Returns write errno. */
    private int respond(Request r, Answer reply) {
        Answer concrete = resolve(r, reply);
        // The bookkeeping comes before the write: once the kernel has the entry it can send a
        // request about the new nodeid at once (a GETATTR from a thread the reply woke), and the
        // reader thread must know the nodeid's path by then; the bookkeeping was once done after
        // the write, and such a GETATTR got ESTALE (a harness artefact behind fuzz finding 1-591).
        long looked = 0;
        if (concrete instanceof Answer.Entry e && e.entry().nodeid() != 0) {
            looked = e.entry().nodeid();
        } else if (concrete instanceof Answer.Create c) {
            looked = c.entry().nodeid();
        }
        Long formerEntry = r.path() == null ? null : tree.dentryNodeid(r.path()).orElse(null);
        if (looked != 0) {
            tree.looked(looked, r.path());
        } else if (r.op() == fusesim.kernel.proto.WireOpcode.LOOKUP) {
            tree.lookupFailed(r.path()); // a negative entry or an error: no dentry with an inode there
        }
        byte[] bytes = ReplyEncoder.encode(r.unique(), concrete, entry2);
        Injection armed = injection;
        boolean faulted = armed != null && armed.op() == r.op() && armed.taken(r);
        int err = faulted ? writeFaulted(r, armed, bytes) : sink.write(bytes);
        // a faulted write that ended the request (no good reply after it) gave the kernel no entry
        // either: the daemon does not count that lookup (as the model's Server.faultedReply)
        boolean ended = faulted && armed.done().getNow(null) != null && armed.done().getNow(null).followUpErrno() == null;
        if (err != 0 || ended) {
            if (looked != 0) {
                tree.unlooked(looked, r.path(), formerEntry);
            }
            if (err != Errno.ENOENT.value && !faulted) {
                problem("reply to " + r + " rejected by the kernel: " + Errno.nameOf(err));
            }
        }
        return err;
    }

    private Answer resolve(Request r, Answer reply) {
        if (reply instanceof Answer.Default) {
            return defaults.handle(r);
        }
        if (reply instanceof Answer.AttrNotApplied a) {
            Answer base = defaults.attrOf(r.path());
            return base instanceof Answer.Error ? base : ReplyEncoder.patch(base, fallback(r.op()), a.fields());
        }
        if (reply instanceof Answer.Patch p) {
            Answer base = defaults.handle(r);
            if (base instanceof Answer.Error && makesNode(r.op())) {
                return base; // the model's server: a node it cannot make (EEXIST, ...) is that error, whatever the fields
            }
            return ReplyEncoder.patch(base, fallback(r.op()), p.fields());
        }
        return reply;
    }

    private static boolean makesNode(WireOpcode op) {
        return op == WireOpcode.MKNOD || op == WireOpcode.MKDIR || op == WireOpcode.SYMLINK || op == WireOpcode.LINK;
    }

    /** A base answer when the default one failed, so a patch can still produce a positive reply. */
    private static Answer fallback(WireOpcode op) {
        FuseAttr a = new FuseAttr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0100644, 1, 0, 0, 0, 4096, 0);
        EntryOut e = new EntryOut(0, 0, 0, 0, 0, 0, a);
        return switch (op) {
            case GETATTR, SETATTR -> new Answer.Attr(new AttrOut(0, 0, a));
            case OPEN, OPENDIR -> new Answer.Open(new OpenOut(0, 0, 0));
            case CREATE -> new Answer.Create(e, new OpenOut(0, 0, 0), 0);
            default -> new Answer.Entry(e, 0);
        };
    }

    private void record(Request r) {
        if (r.op() == WireOpcode.INIT) {
            return;
        }
        synchronized (log) {
            if (r.op().noReply()) {
                r.forgets().forEach(f -> log.add(new RecordedRequest(WireOpcode.FORGET, f.nodeid(), null,
                        f.nlookup(), r.pid(), r.unique())));
            } else {
                log.add(new RecordedRequest(r.op(), r.nodeid(), r.entryName(), 0, r.pid(), r.unique(), r.inArg(),
                        r.renderedFields()));
            }
            log.notifyAll();
        }
    }

    /**
     * A wire fault to inject once, in place of the next reply to {@code op} (issue 16 §4): the test
     * or the fuzzer compares what the kernel did with it to {@link WireFault#predict}.
     */
    public static final class Injection {
        private final WireOpcode op;
        private final WireFault fault;
        private final CompletableFuture<Request> request = new CompletableFuture<>();
        private final CompletableFuture<Injected> done = new CompletableFuture<>();

        Injection(WireOpcode op, WireFault fault) {
            this.op = op;
            this.fault = fault;
        }

        WireOpcode op() {
            return op;
        }

        /** True for the one request this injection takes. */
        boolean taken(Request r) {
            return request.complete(r);
        }

        /** Completes once the faulted bytes are written (or, for CLOSE_MID_REQUEST, withheld). */
        public CompletableFuture<Injected> done() {
            return done;
        }
    }

    /**
     * What the server did: the faulted request, the fault, the kernel's answer to the faulted
     * write (0 or its errno; 0 when nothing was written), the good reply written afterwards where
     * the prediction says the caller still waits (null when none was), and the written bytes
     * (null: nothing written, the daemon is to close /dev/fuse).
     */
    public record Injected(Request request, WireFault fault, int writeErrno, Integer followUpErrno,
            byte[] written, byte[] good) {}

    /** Arms {@code fault} for the next reply to {@code op}; a previous injection not yet taken is replaced. */
    public Injection inject(WireOpcode op, WireFault fault) {
        Injection i = new Injection(op, fault);
        injection = i;
        return i;
    }

    /**
     * Writes the faulted bytes in place of {@code good}. Where {@link WireFault#predict} says the
     * request stays on the processing list (a bad length, an unknown unique), the good reply
     * follows, so the caller is released and the test sees that the faulted write left the
     * request pending (fuse_dev_do_write returns before request_find, or finds no request).
     */
    private int writeFaulted(Request r, Injection i, byte[] good) {
        injection = null;
        byte[] bad = i.fault.apply(good);
        if (bad == null) {
            i.done.complete(new Injected(r, i.fault, 0, null, null, good));
            return 0; // CLOSE_MID_REQUEST: no reply; whoever armed it closes the device
        }
        int err = sink.write(bad);
        Integer followUp = null;
        if (WireFault.leavesPending(bad, r.unique())) {
            followUp = sink.write(good);
        }
        i.done.complete(new Injected(r, i.fault, err, followUp, bad, good));
        return followUp == null ? err : followUp;
    }

    private void problem(String what) {
        synchronized (problems) {
            problems.add(what);
        }
    }

    /** Waits for the INIT exchange; the negotiated reply. */
    public InitOut awaitInit(Duration timeout) {
        try {
            return init.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no FUSE_INIT within " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for FUSE_INIT");
        }
    }

    /** What the kernel offered in FUSE_INIT (null before INIT). */
    public InitIn offer() {
        return offer;
    }

    /** True if FUSE_PASSTHROUGH_INO was negotiated (entry replies are fuse_entry2_out). */
    public boolean entry2() {
        return entry2;
    }

    /** All requests recorded so far (a copy). */
    public List<RecordedRequest> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** How many requests were recorded so far. */
    public int logSize() {
        synchronized (log) {
            return log.size();
        }
    }

    /**
     * Writes a notification (fuse_out_header with unique 0 and error = {@code code}, then the payload):
     * 0 or the write(2) errno. May block in the kernel (INVAL_ENTRY takes the parent's lock): call it
     * under a watchdog, never from the reader thread.
     */
    public int notify(int code, byte[] payload) {
        FuseDevice d = device;
        if (d == null) {
            return Errno.ENODEV.value;
        }
        return d.write(ReplyEncoder.message(0, code, payload));
    }

    /** Problems met while serving (undecodable messages, rejected replies). */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** Currently held requests. */
    public List<Held> held() {
        synchronized (held) {
            return List.copyOf(held);
        }
    }

    /** Waits until a held request matches; empty on timeout. */
    public Optional<Held> awaitHeld(Predicate<Request> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (held) {
            while (true) {
                Optional<Held> h = held.stream().filter(x -> match.test(x.request())).findFirst();
                long left = deadline - System.nanoTime();
                if (h.isPresent() || left <= 0) {
                    return h;
                }
                waitOn(held, left);
            }
        }
    }

    /** Waits until the log holds at least {@code count} entries. */
    public boolean awaitLogSize(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (log.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waitOn(log, left);
            }
            return true;
        }
    }

    private static void waitOn(Object monitor, long nanos) {
        try {
            monitor.wait(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Answers a held request; returns 0 or the reply write errno (ENOENT: it was interrupted/aborted). */
    public int release(Held h, Answer reply) {
        synchronized (held) {
            if (!held.remove(h)) {
                throw new IllegalStateException("request not held: " + h.request());
            }
        }
        return respond(h.request(), reply);
    }

    /** FUSE_DEV_IOC_BACKING_OPEN of a lower file (opened O_RDONLY for the call): id or -errno. */
    public int backingOpen(String tracePath, int flags, long padding) {
        int fd = Libc.open(tree.realFollowed(tracePath), Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
        if (fd < 0) {
            throw new IllegalStateException("cannot open lower " + tracePath + ": " + Errno.nameOf(Libc.errno()));
        }
        try {
            return backingOpenOwnFd(fd, flags, padding);
        } finally {
            Libc.close(fd);
        }
    }

    /** FUSE_DEV_IOC_BACKING_OPEN with a raw fd number (e.g. -1 or 9999): id or -errno. */
    public int backingOpenFd(int fd, int flags, long padding) {
        if (fd >= 0 && java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/fd/" + fd),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // a trace's fd=N names a number, not a file: one this JVM has open (/dev/fuse, a jar, a
            // socket) would become a backing file the mount reads and writes through
            throw new fusesim.kernel.sys.Beneath.Escape("backing_open fd=" + fd + " names an fd the oracle "
                    + "has open: refused (a trace's fd=N may only name a closed fd, to test EBADF)");
        }
        return backingOpenOwnFd(fd, flags, padding);
    }

    /** FUSE_DEV_IOC_BACKING_OPEN of an fd the oracle itself opened (mount:PATH, a lower file). */
    public int backingOpenOwnFd(int fd, int flags, long padding) {
        return requireDevice().backingOpen(new BackingMap(fd, flags, padding));
    }

    /** FUSE_DEV_IOC_BACKING_CLOSE: 0 or -errno. */
    public int backingClose(int id) {
        return requireDevice().backingClose(id);
    }

    private FuseDevice requireDevice() {
        if (device == null) {
            throw new IllegalStateException("server has no /dev/fuse device");
        }
        return device;
    }

    /** Why the reader stopped (null while running). */
    public String exitReason() {
        return exitReason;
    }

    public boolean running() {
        return reader != null && reader.isAlive();
    }

    /** The daemon dies: the reader stops and the device fd is closed, aborting the connection. */
    public void crash() {
        close();
    }

    /** Stops the reader (woken through its eventfd) and closes the device. Idempotent. */
    @Override
    public void close() {
        if (device == null) {
            return;
        }
        device.wake();
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        device.close();
        device = null;
    }
}
