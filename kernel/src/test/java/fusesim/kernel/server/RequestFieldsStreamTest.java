package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.proto.FsyncIn;
import fusesim.kernel.proto.GetattrIn;
import fusesim.kernel.proto.GetxattrIn;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.LseekIn;
import fusesim.kernel.proto.OpenIn;
import fusesim.kernel.proto.ReleaseIn;
import fusesim.kernel.proto.SetattrIn;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.proto.WriteIn;
import fusesim.kernel.sys.Mounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The oracle decodes each request's in-struct fields from the wire, by the layouts of
 * include/uapi/linux/fuse.h as this kernel's BTF gives them ({@code fusesim.kernel.proto}), and records them as the model prints its requests
 * ({@code SETATTR(10,valid=SIZE|LOCKOWNER,size=0)}); no kernel needed.
 */
class RequestFieldsStreamTest {
    private Path lower;
    private long unique = 2;

    @BeforeEach
    void lowerTree() {
        lower = Mounts.freshDir(Mounts.LOWER_PREFIX);
    }

    @AfterEach
    void removeLower() {
        Mounts.removeTree(lower);
    }

    private FuseServer server() {
        LowerTree tree = new LowerTree(lower);
        tree.allocateInos(1000);
        tree.file("/a", 4096, 0644, 0, 0, 10L);
        FuseServer s = new FuseServer(tree, new ServerConfig());
        s.attach(m -> 0);
        byte[] init = HexFormat.of().parseHex(Entry2StreamTest.INIT_WITH_INO);
        s.dispatch(init, init.length);
        return s;
    }

    private String recorded(WireOpcode op, int size, Consumer<ByteBuffer> body, String name) {
        FuseServer s = server();
        byte[] n = name == null ? new byte[0] : (name + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = Wire.allocate(InHeader.SIZE + size + n.length);
        new InHeader(InHeader.SIZE + size + n.length, op.code, unique += 2, 10, 0, 0, 77, 0).encode(b);
        body.accept(b);
        b.put(n);
        s.dispatch(b.array(), b.capacity());
        List<RecordedRequest> log = s.log();
        return log.get(log.size() - 1).toString();
    }

    // fh 999999: the default handler uses fh as its lower fd (pwrite, fsync, close); no such fd here

    @Test
    void setattrShowsValidAndTheFieldsItsBitsCover() {
        String r = recorded(WireOpcode.SETATTR, SetattrIn.SIZE,
                b -> new SetattrIn(SetattrIn.FATTR_SIZE | 512, 7, 0, 0xdead, 0, 0, 0, 0, 0, 0, 0100755, 5, 6).encode(b),
                null);
        assertThat(r).isEqualTo("SETATTR(10,valid=SIZE|LOCKOWNER,size=0)"); // no fh, mode, uid, gid: bits clear
    }

    @Test
    void writeShowsItsFlags() {
        String r = recorded(WireOpcode.WRITE, WriteIn.SIZE,
                b -> new WriteIn(999999, 4096, 0, 4 | 2, 0xbeef, 0100001).encode(b), null);
        assertThat(r).isEqualTo("WRITE(10,fh=999999,offset=4096,size=0,write_flags=LOCKOWNER|KILL_SUIDGID,"
                + "flags=O_WRONLY|O_LARGEFILE)");
    }

    @Test
    void getattrFhOnlyWithTheFlag() {
        assertThat(recorded(WireOpcode.GETATTR, 16, b -> new GetattrIn(1, 9).encode(b), null))
                .isEqualTo("GETATTR(10,getattr_flags=FH,fh=9)");
        assertThat(recorded(WireOpcode.GETATTR, 16, b -> new GetattrIn(0, 0).encode(b), null))
                .isEqualTo("GETATTR(10,getattr_flags=0)");
    }

    @Test
    void openFsyncReleaseLseek() {
        assertThat(recorded(WireOpcode.OPEN, 8, b -> new OpenIn(0101002, 1).encode(b), null))
                .isEqualTo("OPEN(10,flags=O_RDWR|O_TRUNC|O_LARGEFILE,open_flags=KILL_SUIDGID)");
        assertThat(recorded(WireOpcode.FSYNC, FsyncIn.SIZE, b -> new FsyncIn(999999, 1).encode(b), null))
                .isEqualTo("FSYNC(10,fh=999999,fsync_flags=FDATASYNC)");
        assertThat(recorded(WireOpcode.RELEASE, 24, b -> new ReleaseIn(999999, 0100000, 1, 0).encode(b), null))
                .isEqualTo("RELEASE(10,fh=999999,flags=O_RDONLY|O_LARGEFILE,release_flags=FLUSH)");
        assertThat(recorded(WireOpcode.LSEEK, LseekIn.SIZE, b -> new LseekIn(999999, 100, 3).encode(b), null))
                .isEqualTo("LSEEK(10,fh=999999,offset=100,whence=SEEK_DATA)");
    }

    @Test
    void getxattrNamesTheAttributeAsAField() {
        assertThat(recorded(WireOpcode.GETXATTR, GetxattrIn.SIZE, b -> new GetxattrIn(0).encode(b), "security.capability"))
                .isEqualTo("GETXATTR(10,name=\"security.capability\",size=0)");
    }
}
