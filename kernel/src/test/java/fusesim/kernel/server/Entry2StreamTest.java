package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.proto.Entry2Out;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.InitIn;
import fusesim.kernel.proto.InitOut;
import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.sys.Mounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recorded byte streams through the server without a kernel: INIT offering FUSE_PASSTHROUGH_INO (as a
 * patched kernel would) makes entry replies fuse_entry2_out; without the offer they stay fuse_entry_out.
 */
class Entry2StreamTest {
    /** INIT 7.45 as 6.18 sends it (flags 0x73fffffb, flags2 0x5fd) plus flags2 bit 11. */
    static final String INIT_WITH_INO = "68000000" + "1a000000" + "0200000000000000" + "0000000000000000"
            + "00000000" + "00000000" + "00000000" + "0000" + "0000"
            + "07000000" + "2d000000" + "00000200" + "fbffff73" + "fd0d0000" + "00".repeat(44);
    /** LOOKUP(1, "a") from pid 77, unique 4. */
    static final String LOOKUP_A = "2a000000" + "01000000" + "0400000000000000" + "0100000000000000"
            + "00000000" + "00000000" + "4d000000" + "0000" + "0000" + "6100";

    private java.nio.file.Path lower;
    private final List<byte[]> replies = new ArrayList<>();

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
        tree.file("/a", 4096, 0644, 0, 0, 10L);
        FuseServer s = new FuseServer(tree, config);
        s.attach(m -> {
            replies.add(m);
            return 0;
        });
        return s;
    }

    private static void feed(FuseServer s, String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        s.dispatch(b, b.length);
    }

    @Test
    void recordedStreamsDecode() {
        byte[] init = HexFormat.of().parseHex(INIT_WITH_INO);
        ByteBuffer b = Wire.wrap(init, 0, init.length);
        InHeader h = InHeader.decode(b);
        assertThat(h.len()).isEqualTo(init.length).isEqualTo(104);
        assertThat(WireOpcode.of(h.opcode())).isEqualTo(WireOpcode.INIT);
        assertThat(InitIn.decode(b.slice().order(b.order())).offers(InitFlags.PASSTHROUGH_INO)).isTrue();
        assertThat(HexFormat.of().parseHex(LOOKUP_A)).hasSize(42);
    }

    @Test
    void passthroughInoNegotiatedGivesEntry2Replies() {
        FuseServer s = server(new ServerConfig().passthroughIno(true));
        feed(s, INIT_WITH_INO);
        InitOut init = InitOut.decode(Wire.wrap(replies.get(0), 16, 64));
        assertThat(init.flags64() & InitFlags.PASSTHROUGH_INO).isNotZero();
        assertThat(s.entry2()).isTrue();
        new RulePolicyHolder(s).rules.set(WireOpcode.LOOKUP, "/a", Answer.patch(Map.of("backing", 2L)));
        feed(s, LOOKUP_A);
        byte[] reply = replies.get(1);
        ByteBuffer r = Wire.wrap(reply, 0, reply.length);
        assertThat(OutHeader.decode(r)).isEqualTo(new OutHeader(16 + 312, 0, 4));
        Entry2Out e = Entry2Out.decode(r);
        assertThat(e.nodeid()).isEqualTo(10);
        assertThat(e.backingId()).isEqualTo(2);
        assertThat(e.statx().ino()).isEqualTo(10);
        assertThat(e.statx().size()).isEqualTo(4096);
        assertThat(e.statx().mode()).isEqualTo(0100644);
        assertThat(s.log().get(0).toString()).isEqualTo("LOOKUP(1,\"a\")");
        assertThat(s.log().get(0).pid()).isEqualTo(77);
        assertThat(s.tree().nlookups()).containsEntry(10L, 1L);
    }

    @Test
    void notOfferedMeansClassicEntryReplies() {
        FuseServer s = server(new ServerConfig().passthroughIno(true));
        String plainInit = INIT_WITH_INO.replace("fd0d0000", "fd050000");
        feed(s, plainInit);
        InitOut init = InitOut.decode(Wire.wrap(replies.get(0), 16, 64));
        assertThat(init.flags64() & InitFlags.PASSTHROUGH_INO).isZero();
        assertThat(init.flags64() & InitFlags.PASSTHROUGH).isNotZero();
        feed(s, LOOKUP_A);
        ByteBuffer r = Wire.wrap(replies.get(1), 0, replies.get(1).length);
        assertThat(OutHeader.decode(r).len()).isEqualTo(16 + EntryOut.SIZE);
        assertThat(EntryOut.decode(r).attr().ino()).isEqualTo(10);
    }

    @Test
    void forgetsAreRecordedAndCounted() {
        FuseServer s = server(new ServerConfig());
        feed(s, INIT_WITH_INO);
        feed(s, LOOKUP_A);
        ByteBuffer f = Wire.allocate(48);
        new InHeader(48, WireOpcode.FORGET.code, 6, 10, 0, 0, 0, 0).encode(f);
        f.putLong(1);
        s.dispatch(f.array(), 48);
        assertThat(s.log().stream().map(Object::toString)).containsExactly("LOOKUP(1,\"a\")", "FORGET(10,1)");
        assertThat(s.tree().nlookups()).doesNotContainKey(10L);
        assertThat(replies).hasSize(2); // FORGET is never answered
        assertThat(new String(replies.get(1), 16, 0, StandardCharsets.UTF_8)).isEmpty();
    }

    /** Installs a RulePolicy on a server. */
    private static final class RulePolicyHolder {
        final RulePolicy rules = new RulePolicy();

        RulePolicyHolder(FuseServer s) {
            s.policy(rules);
        }
    }
}
