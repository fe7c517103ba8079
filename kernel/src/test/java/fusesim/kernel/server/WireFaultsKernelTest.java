package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.KernelSession;
import fusesim.kernel.driver.Result;
import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.FopenFlags;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.WriteOut;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.FuseServer.Injected;
import fusesim.kernel.server.WireFault.Prediction;
import fusesim.kernel.server.WireFault.Waiter;
import fusesim.kernel.sys.Mounts;
import fusesim.model.Errno;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16 §4 on the real kernel: the server writes a faulted reply ({@link WireFault}) in place of
 * the good one, and what the kernel does is compared with {@link WireFault#predict}, which applies
 * fs/fuse/dev.c's framing rules (fuse_dev_do_write, copy_out_args) to the faulted bytes: the
 * daemon's write() errno, and what the waiting syscall sees. Where the prediction says the request
 * stays pending, the server then writes the good reply and the syscall must complete normally,
 * which shows that the faulted write left it on the processing list.
 */
@Tag("real-kernel")
class WireFaultsKernelTest {
  private KernelSession s;

  /**
   * The syscall whose request gets the faulted reply, how the kernel waits for that reply, the
   * reply's out-arg size (-1: variable, shorter allowed) and the syscall's result after a good one.
   */
  enum Via {
    /** stat(2) of an uncached name: fuse_lookup_name waits for LOOKUP. */
    LOOKUP(WireOpcode.LOOKUP, EntryOut.SIZE, 0),
    /** stat(2) with attr_valid=0: after the LOOKUP, fuse_update_get_attr waits for GETATTR. */
    GETATTR(WireOpcode.GETATTR, AttrOut.SIZE, 0),
    /** open(2): fuse_do_open waits for OPEN (the fd is 3). */
    OPEN(WireOpcode.OPEN, OpenOut.SIZE, 3),
    /** pread(2) on a FOPEN_DIRECT_IO file: fuse_direct_io waits for its READ. */
    READ_DIRECT(WireOpcode.READ, -1, 100),
    /**
     * pread(2) through the page cache: the READ is readahead's (fuse_readahead, async), and when
     * it ends badly filemap_read() retries the folio with fuse_read_folio, a new synchronous READ
     * that the one-shot fault does not touch: so the syscall does not see the fault, except the
     * daemon gone (then the retry meets a disconnected connection: ENOTCONN, fuse_simple_request).
     */
    READ_CACHED(WireOpcode.READ, -1, 100),
    /** pwrite(2) of 10 bytes on a FOPEN_DIRECT_IO file: fuse_send_write waits for WRITE. */
    WRITE_DIRECT(WireOpcode.WRITE, WriteOut.SIZE, 10),
    /** mkdir(2): create_new_entry waits for MKDIR. */
    MKDIR(WireOpcode.MKDIR, EntryOut.SIZE, 0),
    /** close(2): fuse_flush waits for FLUSH and close returns its error. */
    FLUSH(WireOpcode.FLUSH, 0, 0),
    /** close(2): fuse_release sends RELEASE in the background (fuse_release_end ignores its error). */
    RELEASE(WireOpcode.RELEASE, 0, 0);

    final WireOpcode op;
    final int outSize;
    final long success;

    Via(WireOpcode op, int outSize, long success) {
      this.op = op;
      this.outSize = outSize;
      this.success = success;
    }
  }

  /** A fault on the reply to one request. */
  record Case(WireFault fault, Via via) {
    @Override
    public String toString() {
      return fault + " on " + via;
    }
  }

  static Stream<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (WireFault f : WireFault.values()) {
      for (Via v : Via.values()) {
        if (!(f == WireFault.CLOSE_MID_REQUEST && v == Via.RELEASE)) { // close(2) returned already
          out.add(new Case(f, v));
        }
      }
    }
    return out.stream();
  }

  @BeforeEach
  void probe() {
    KernelProbe p = KernelProbe.get();
    Assumptions.assumeTrue(p.usable(), p.reason());
    s = KernelSession.open();
    s.lowerFile("/a", 4096, 0644, 0, 0, 10L);
  }

  @AfterEach
  void cleanup() {
    if (s != null) {
      s.close();
    }
    assertThat(Mounts.thisJvmMounts()).as("FUSE mounts left behind").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theKernelDoesWhatTheFramingRulesPredict(Case c) throws Exception {
    s.mount(c.via == Via.GETATTR ? new ServerConfig().attrValid(0) : new ServerConfig());
    if (c.via == Via.READ_DIRECT || c.via == Via.WRITE_DIRECT) {
      s.policy("open", "/a", Answer.open(FopenFlags.DIRECT_IO, 0));
    }
    if (EnumSet.of(Via.READ_DIRECT, Via.READ_CACHED, Via.WRITE_DIRECT, Via.FLUSH, Via.RELEASE).contains(c.via)) {
      assertThat(s.syscall("T1", "open", "/a", "O_RDWR").value()).isEqualTo(3);
    }
    FuseServer.Injection armed = s.server().inject(c.via.op, c.fault);
    switch (c.via) {
      case LOOKUP, GETATTR -> s.start("T1", "stat", "/a");
      case OPEN -> s.start("T1", "open", "/a", "O_RDONLY");
      case READ_DIRECT, READ_CACHED -> s.start("T1", "pread", 3, 100, 0);
      case WRITE_DIRECT -> s.start("T1", "pwrite", 3, "0123456789", 0);
      case MKDIR -> s.start("T1", "mkdir", "/d", "0755");
      case FLUSH, RELEASE -> s.start("T1", "close", 3);
    }
    Injected done = armed.done().get(10, TimeUnit.SECONDS);
    Waiter waiter = c.via == Via.RELEASE ? Waiter.IGNORED : Waiter.SYSCALL;
    Prediction p = WireFault.predict(done.written(), done.request().unique(), c.via.outSize, waiter);
    if (c.fault == WireFault.CLOSE_MID_REQUEST) {
      s.crash();
    }
    Result r = s.awaitResult("T1");
    assertThat(done.writeErrno()).as("the daemon's write() errno, predicted %s", Errno.nameOf(p.writeErrno()))
        .isEqualTo(p.writeErrno());
    assertThat(outcome(c, r)).as("what %s sees, predicted: %s", c.via, p.caller()).isEqualTo(expected(c, p, done));
    if (leftPending(done)) {
      assertThat(done.followUpErrno()).as("the good reply after it").isEqualTo(0);
    } else {
      assertThat(done.followUpErrno()).isNull();
    }
  }

  /** The syscall's result in the prediction's words. */
  private static String outcome(Case c, Result r) {
    if (!r.ok()) {
      return "-1 " + r.errno();
    }
    return "= " + r.value();
  }

  /** The faulted write left the request on the processing list (whatever waits for it). */
  private static boolean leftPending(Injected done) {
    return done.written() != null && WireFault.leavesPending(done.written(), done.request().unique());
  }

  private static String expected(Case c, Prediction p, Injected done) {
    String caller = p.caller();
    if (c.via == Via.READ_CACHED) {
      return c.fault == WireFault.CLOSE_MID_REQUEST ? "-1 ENOTCONN" : "= 100";
    }
    if (caller.startsWith("fails with ECONNABORTED")) {
      return "-1 ECONNABORTED";
    }
    if (caller.startsWith("gets EIO")) {
      return "-1 EIO";
    }
    if (caller.startsWith("gets E")) {
      return "-1 " + caller.substring("gets ".length());
    }
    if (c.via == Via.READ_DIRECT && caller.equals("gets the reply")) {
      // READ's out arg is variable (out_argvar): what arrived, the whole payload or SHORT_WRITE's half
      return "= " + Math.min(100, done.written().length - fusesim.kernel.proto.OutHeader.SIZE);
    }
    return "= " + c.via.success; // the reply, the good reply after a pending one, or nothing waits
  }
}
