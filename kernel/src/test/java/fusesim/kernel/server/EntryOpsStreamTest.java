package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.proto.Dirent;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.InitOut;
import fusesim.kernel.proto.LinkIn;
import fusesim.kernel.proto.MknodIn;
import fusesim.kernel.proto.OpenIn;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.ReadIn;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.sys.Mounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MKNOD, SYMLINK, LINK, READLINK and READDIRPLUS messages, laid out as fs/fuse/dir.c and
 * fs/fuse/readdir.c send them, through the server without a kernel: what is recorded (as the model's
 * {@code Request.observable()} prints it), what the default handler does on the lower tree, and the
 * bytes of the replies.
 */
class EntryOpsStreamTest {
    private Path lower;
    private final List<byte[]> replies = new ArrayList<>();
    private long unique = 2;

    @BeforeEach
    void lowerTree() {
        lower = Mounts.freshDir(Mounts.LOWER_PREFIX);
    }

    @AfterEach
    void removeLower() {
        Mounts.removeTree(lower);
    }

    private FuseServer server(ServerConfig config) {
        LowerTree tree = new LowerTree(lower);
        tree.allocateInos(1000);
        tree.file("/a", 4096, 0644, 0, 0, 10L);
        FuseServer s = new FuseServer(tree, config);
        s.attach(m -> {
            replies.add(m);
            return 0;
        });
        s.dispatch(HexFormat.of().parseHex(Entry2StreamTest.INIT_WITH_INO),
                HexFormat.of().parseHex(Entry2StreamTest.INIT_WITH_INO).length);
        return s;
    }

    /** Sends header + body (the body's length fills in the header) as uid 1000, pid 77. */
    private void send(FuseServer s, WireOpcode op, long nodeid, byte[] body) {
        ByteBuffer b = Wire.allocate(InHeader.SIZE + body.length);
        new InHeader(InHeader.SIZE + body.length, op.code, unique += 2, nodeid, 1000, 1000, 77, 0).encode(b);
        b.put(body);
        s.dispatch(b.array(), b.capacity());
    }

    private static byte[] names(String... names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(n).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] mknodIn(int mode) {
        ByteBuffer b = Wire.allocate(MknodIn.SIZE);
        new MknodIn(mode, 0, 022).encode(b);
        return b.array();
    }

    private ByteBuffer lastReply(int expectedError) {
        byte[] r = replies.get(replies.size() - 1);
        ByteBuffer b = Wire.wrap(r, 0, r.length);
        OutHeader h = OutHeader.decode(b);
        assertThat(h.error()).isEqualTo(expectedError);
        assertThat(h.len()).isEqualTo(r.length);
        return b;
    }

    private String lastRecorded(FuseServer s) {
        List<RecordedRequest> log = s.log();
        return log.get(log.size() - 1).toString();
    }

    @Test
    void mknodRecordsTheWholeModeAndMakesTheNode() {
        FuseServer s = server(new ServerConfig());
        send(s, WireOpcode.MKNOD, 1, concat(mknodIn(0100644), names("x")));
        assertThat(lastRecorded(s)).isEqualTo("MKNOD(1,\"x\",0100644,rdev=0,umask=022)");
        EntryOut e = EntryOut.decode(lastReply(0));
        assertThat(e.nodeid()).isEqualTo(1000);
        assertThat(e.attr().mode()).isEqualTo(0100644);
        assertThat(e.attr().uid()).isEqualTo(1000); // owned by the caller, as passthrough_hp makes it
        assertThat(s.tree().nlookups()).containsEntry(1000L, 1L);

        send(s, WireOpcode.MKNOD, 1, concat(mknodIn(010600), names("p")));
        assertThat(lastRecorded(s)).isEqualTo("MKNOD(1,\"p\",010600,rdev=0,umask=022)");
        assertThat(EntryOut.decode(lastReply(0)).attr().mode()).isEqualTo(010600);
        assertThat(s.tree().stat("/p").mode()).isEqualTo(010600);

        send(s, WireOpcode.MKNOD, 1, concat(mknodIn(0100644), names("a")));
        lastReply(-17); // EEXIST from the lower mknod
    }

    @Test
    void symlinkRecordsItsTargetAndReadlinkAnswersIt() throws Exception {
        FuseServer s = server(new ServerConfig());
        send(s, WireOpcode.SYMLINK, 1, names("l", "a"));
        assertThat(lastRecorded(s)).isEqualTo("SYMLINK(1,\"l\",\"a\")");
        EntryOut e = EntryOut.decode(lastReply(0));
        assertThat(e.attr().mode()).isEqualTo(0120777);
        assertThat(e.attr().size()).isEqualTo(1);
        assertThat(Files.readSymbolicLink(lower.resolve("l")).toString()).isEqualTo("a");

        send(s, WireOpcode.READLINK, e.nodeid(), new byte[0]);
        assertThat(lastRecorded(s)).isEqualTo("READLINK(" + e.nodeid() + ")");
        ByteBuffer r = lastReply(0);
        assertThat(StandardCharsets.UTF_8.decode(r).toString()).isEqualTo("a");

        send(s, WireOpcode.LOOKUP, 1, names("a"));
        send(s, WireOpcode.READLINK, 10, new byte[0]); // not a symlink: the lower readlink's EINVAL
        lastReply(-22);
    }

    @Test
    void linkRecordsTheOldNodeidAndNamesTheSameNode() {
        FuseServer s = server(new ServerConfig());
        send(s, WireOpcode.LOOKUP, 1, names("a"));
        ByteBuffer in = Wire.allocate(LinkIn.SIZE);
        new LinkIn(10).encode(in);
        send(s, WireOpcode.LINK, 1, concat(in.array(), names("b")));
        assertThat(lastRecorded(s)).isEqualTo("LINK(1,\"b\",10)");
        EntryOut e = EntryOut.decode(lastReply(0));
        assertThat(e.nodeid()).isEqualTo(10);
        assertThat(e.attr().nlink()).isEqualTo(2);
        assertThat(s.tree().nlookups()).containsEntry(10L, 2L);
        assertThat(s.tree().stat("/b").ino()).isEqualTo(s.tree().stat("/a").ino());
    }

    @Test
    void entryPoliciesOfNodeMakingOpsKeepTheLowerError() {
        FuseServer s = server(new ServerConfig());
        RulePolicy rules = new RulePolicy();
        rules.set(WireOpcode.MKNOD, "/a", Answer.patch(Map.of("mode", 040755L)));
        s.policy(rules);
        send(s, WireOpcode.MKNOD, 1, concat(mknodIn(0100644), names("a")));
        lastReply(-17); // as the model's server: the name exists, whatever the fields
    }

    @Test
    void readdirplusOnlyWhenTheMountAsksForIt() {
        server(new ServerConfig());
        InitOut none = InitOut.decode(Wire.wrap(replies.get(0), 16, 64));
        assertThat(none.flags64() & (InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO)).isZero();
    }

    @Test
    void readdirplusNegotiatedFromTheMountLine() {
        FuseServer s = server(new ServerConfig().readdirplus(true)
                .extraFlags(InitFlags.READDIRPLUS_AUTO | InitFlags.DO_READDIRPLUS));
        InitOut init = InitOut.decode(Wire.wrap(replies.get(0), 16, 64));
        assertThat(init.flags64() & InitFlags.DO_READDIRPLUS).isNotZero();
        assertThat(init.flags64() & InitFlags.READDIRPLUS_AUTO).isNotZero();
    }

    private long opendirRoot(FuseServer s) {
        ByteBuffer o = Wire.allocate(OpenIn.SIZE);
        new OpenIn(0, 0).encode(o);
        send(s, WireOpcode.OPENDIR, 1, o.array());
        return OpenOut.decode(lastReply(0)).fh();
    }

    private ByteBuffer readdirplus(FuseServer s, long fh, long offset, int size) {
        ByteBuffer r = Wire.allocate(ReadIn.SIZE);
        new ReadIn(fh, offset, size, 0, 0, 0).encode(r);
        send(s, WireOpcode.READDIRPLUS, 1, r.array());
        return lastReply(0);
    }

    /** fuse_direntplus: fuse_entry_out (128 bytes) then fuse_dirent, the record 8-byte aligned. */
    @Test
    void readdirplusRecordsAreEntryOutThenDirent() {
        FuseServer s = server(new ServerConfig().readdirplus(true));
        long fh = opendirRoot(s);
        ByteBuffer b = readdirplus(s, fh, 0, 4096);
        assertThat(b.remaining()).isEqualTo(3 * (EntryOut.SIZE + 32)); // ".", "..", "a": 24 + name, to 32
        for (String dot : List.of(".", "..")) {
            int p = b.position();
            assertThat(b.getLong(p)).as("nodeid of %s", dot).isZero(); // not linked (fuse_direntplus_link)
            b.position(p + EntryOut.SIZE);
            assertThat(Dirent.unpack(b.slice(b.position(), 32).order(b.order())).get(0).name()).isEqualTo(dot);
            b.position(b.position() + 32);
        }
        EntryOut e = EntryOut.decode(b);
        assertThat(e.nodeid()).isEqualTo(10);
        assertThat(e.attr().mode()).isEqualTo(0100644);
        assertThat(e.attr().size()).isEqualTo(4096);
        int d = b.position();
        assertThat(b.getLong(d)).isEqualTo(10); // ino
        assertThat(b.getLong(d + 8)).isEqualTo(3); // off: the next entry's cookie
        assertThat(b.getInt(d + 16)).isEqualTo(1); // namelen
        assertThat(b.getInt(d + 20)).isEqualTo(8); // DT_REG
        assertThat(b.get(d + 24)).isEqualTo((byte) 'a');
        assertThat(s.tree().nlookups()).containsEntry(10L, 1L); // every linked record is one lookup
        assertThat(readdirplus(s, fh, 3, 4096).remaining()).isZero(); // the end
    }

    @Test
    void readdirplusStopsAtTheRequestSizeAndTakesLookupPolicyFields() {
        FuseServer s = server(new ServerConfig().readdirplus(true));
        s.policy(new Policy() {
            @Override
            public Answer decide(fusesim.kernel.server.Request request) {
                return Answer.DEFAULT;
            }

            @Override
            public Map<String, Long> lookupEntryFields(String path) {
                return path.equals("/a") ? Map.of("entry_valid", 7L, "size", 5L) : null;
            }
        });
        long fh = opendirRoot(s);
        assertThat(readdirplus(s, fh, 0, 2 * (EntryOut.SIZE + 32) - 1).remaining()).isEqualTo(EntryOut.SIZE + 32);
        ByteBuffer b = readdirplus(s, fh, 2, 4096);
        EntryOut e = EntryOut.decode(b);
        assertThat(e.entryValid()).isEqualTo(7);
        assertThat(e.attr().size()).isEqualTo(5);
    }
}
