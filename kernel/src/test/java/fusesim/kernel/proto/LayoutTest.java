package fusesim.kernel.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Struct sizes and field offsets of include/uapi/linux/fuse.h as this kernel's BTF gives them (/sys/kernel/btf/vmlinux on 6.18.44). */
class LayoutTest {
    private static ByteBuffer buf(int size) {
        return Wire.allocate(size);
    }

    @Test
    void headers() {
        ByteBuffer b = buf(InHeader.SIZE);
        new InHeader(43, 1, 4, 1, 1000, 1001, 4242, 3).encode(b);
        assertThat(b.position()).isEqualTo(40);
        assertThat(b.getInt(0)).isEqualTo(43);
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getLong(8)).isEqualTo(4);
        assertThat(b.getLong(16)).isEqualTo(1);
        assertThat(b.getInt(24)).isEqualTo(1000);
        assertThat(b.getInt(28)).isEqualTo(1001);
        assertThat(b.getInt(32)).isEqualTo(4242);
        assertThat(b.getShort(36)).isEqualTo((short) 3);
        assertThat(InHeader.decode(b.rewind())).isEqualTo(new InHeader(43, 1, 4, 1, 1000, 1001, 4242, 3));
        ByteBuffer o = buf(OutHeader.SIZE);
        new OutHeader(16, -5, 6).encode(o);
        assertThat(o.getInt(4)).isEqualTo(-5);
        assertThat(o.getLong(8)).isEqualTo(6);
    }

    @Test
    void initOut() {
        ByteBuffer b = buf(InitOut.SIZE);
        InitOut out = new InitOut(7, 45, 131072, InitFlags.INIT_EXT | InitFlags.PASSTHROUGH, 16, 12, 131072, 1,
                256, 1, 0);
        out.encode(b);
        assertThat(b.position()).isEqualTo(64);
        assertThat(b.getInt(12)).isEqualTo(0x40000000);
        assertThat(b.getShort(16)).isEqualTo((short) 16);
        assertThat(b.getShort(18)).isEqualTo((short) 12);
        assertThat(b.getInt(20)).isEqualTo(131072);
        assertThat(b.getShort(28)).isEqualTo((short) 256);
        assertThat(b.getInt(32)).isEqualTo(0x20);
        assertThat(b.getInt(36)).isEqualTo(1);
        assertThat(InitOut.decode(b)).isEqualTo(out);
    }

    @Test
    void initInMergesFlags2OnlyWithInitExt() {
        ByteBuffer b = buf(InitIn.SIZE);
        b.putInt(0, 7).putInt(4, 45).putInt(8, 131072).putInt(12, 0x73fffffb).putInt(16, 0x5fd);
        InitIn in = InitIn.decode(b);
        assertThat(in.offers(InitFlags.PASSTHROUGH)).isTrue();
        assertThat(in.offers(InitFlags.PASSTHROUGH_INO)).isFalse();
        b.putInt(12, 0x33fffffb); // without INIT_EXT
        assertThat(InitIn.decode(b).offers(InitFlags.PASSTHROUGH)).isFalse();
        assertThat(InitFlags.PASSTHROUGH_INO).isEqualTo(1L << 43);
        assertThat(InitFlags.high(InitFlags.PASSTHROUGH_INO)).isEqualTo(1 << 11);
    }

    static FuseAttr attr() {
        return new FuseAttr(10, 4096, 8, 100, 200, 300, 1, 2, 3, 0100644, 1, 1000, 1001, 0, 4096, 0);
    }

    @Test
    void attrEntryAttrOut() {
        ByteBuffer a = buf(FuseAttr.SIZE);
        attr().encode(a);
        assertThat(a.position()).isEqualTo(88);
        assertThat(a.getLong(8)).isEqualTo(4096);
        assertThat(a.getLong(32)).isEqualTo(200);
        assertThat(a.getInt(60)).isEqualTo(0100644);
        assertThat(a.getInt(68)).isEqualTo(1000);
        assertThat(a.getInt(80)).isEqualTo(4096);
        ByteBuffer e = buf(EntryOut.SIZE);
        new EntryOut(10, 0, 5, 6, 7, 8, attr()).encode(e);
        assertThat(e.position()).isEqualTo(128);
        assertThat(e.getLong(16)).isEqualTo(5);
        assertThat(e.getInt(36)).isEqualTo(8);
        assertThat(e.getLong(40)).isEqualTo(10);
        ByteBuffer o = buf(AttrOut.SIZE);
        new AttrOut(9, 3, attr()).encode(o);
        assertThat(o.position()).isEqualTo(104);
        assertThat(o.getLong(16)).isEqualTo(10);
        assertThat(AttrOut.decode(o.rewind())).isEqualTo(new AttrOut(9, 3, attr()));
    }

    @Test
    void openCreateBackingMap() {
        ByteBuffer o = buf(OpenOut.SIZE);
        new OpenOut(77, FopenFlags.PASSTHROUGH, 3).encode(o);
        assertThat(o.getInt(8)).isEqualTo(0x80);
        assertThat(o.getInt(12)).isEqualTo(3);
        ByteBuffer m = buf(BackingMap.SIZE);
        new BackingMap(5, 0, 0).encode(m);
        assertThat(m.position()).isEqualTo(16);
        assertThat(m.getInt(0)).isEqualTo(5);
        assertThat(FuseIoctl.BACKING_OPEN).isEqualTo(FuseIoctl.ioc(1, 229, 1, 16)).isEqualTo(0x4010e501);
        assertThat(FuseIoctl.BACKING_CLOSE).isEqualTo(FuseIoctl.ioc(1, 229, 2, 4)).isEqualTo(0x4004e502);
        assertThat(FopenFlags.PASSTHROUGH_MASK).isEqualTo(0xE1);
    }

    @Test
    void requestBodies() {
        assertThat(sizeOf(b -> new ReadIn(1, 2, 3, 0, 0, 0x8000).encode(b), 40)).isEqualTo(40);
        ByteBuffer r = buf(40);
        new ReadIn(1, 4096, 100, 0, 0, 0x8000).encode(r);
        assertThat(r.getLong(8)).isEqualTo(4096);
        assertThat(r.getInt(16)).isEqualTo(100);
        assertThat(r.getInt(32)).isEqualTo(0x8000);
        assertThat(sizeOf(b -> new WriteIn(1, 2, 3, 0, 0, 0).encode(b), 40)).isEqualTo(40);
        assertThat(sizeOf(b -> new ReleaseIn(1, 0x8000, 1, 9).encode(b), 24)).isEqualTo(24);
        assertThat(sizeOf(b -> new FlushIn(1, 9).encode(b), 24)).isEqualTo(24);
        assertThat(sizeOf(b -> new GetattrIn(1, 5).encode(b), 16)).isEqualTo(16);
        assertThat(sizeOf(b -> new ForgetOne(10, 2).encode(b), 16)).isEqualTo(16);
        assertThat(sizeOf(b -> new StatfsOut(1, 2, 3, 4, 5, 4096, 255, 4096).encode(b), 80)).isEqualTo(80);
        ByteBuffer s = buf(SetattrIn.SIZE);
        new SetattrIn(SetattrIn.FATTR_SIZE, 0, 123, 0, 0, 0, 0, 0, 0, 0, 0100600, 1000, 1001).encode(s);
        assertThat(s.position()).isEqualTo(88);
        assertThat(s.getLong(16)).isEqualTo(123);
        assertThat(s.getInt(68)).isEqualTo(0100600);
        assertThat(s.getInt(76)).isEqualTo(1000);
        assertThat(s.getInt(80)).isEqualTo(1001);
    }

    /** fuse_mknod_in: mode @0, rdev @4, umask @8, padding @12 (16 bytes); fuse_link_in: oldnodeid @0. */
    @Test
    void mknodAndLinkBodies() {
        ByteBuffer m = buf(MknodIn.SIZE);
        new MknodIn(0010600, 0x0103, 022).encode(m);
        assertThat(m.position()).isEqualTo(16);
        assertThat(m.getInt(0)).isEqualTo(0010600);
        assertThat(m.getInt(4)).isEqualTo(0x0103);
        assertThat(m.getInt(8)).isEqualTo(022);
        assertThat(m.getInt(12)).isZero();
        m.rewind();
        assertThat(MknodIn.decode(m)).isEqualTo(new MknodIn(0010600, 0x0103, 022));
        assertThat(m.position()).isEqualTo(16); // the name follows the padding
        ByteBuffer l = buf(LinkIn.SIZE);
        new LinkIn(10).encode(l);
        assertThat(l.position()).isEqualTo(8);
        assertThat(l.getLong(0)).isEqualTo(10);
    }

    @Test
    void dirents() {
        List<Dirent> d = List.of(new Dirent(1, 1, 4, "."), new Dirent(10, 2, 8, "abcdefgh"));
        assertThat(d.get(0).recordSize()).isEqualTo(32);
        assertThat(d.get(1).recordSize()).isEqualTo(32);
        byte[] packed = Dirent.pack(d, 4096);
        assertThat(packed).hasSize(64);
        assertThat(Dirent.unpack(Wire.wrap(packed, 0, packed.length))).isEqualTo(d);
        assertThat(Dirent.pack(d, 40)).hasSize(32);
    }

    @Test
    void entry2() {
        FuseStatx sx = FuseStatx.of(attr());
        ByteBuffer b = buf(Entry2Out.SIZE);
        Entry2Out e = new Entry2Out(10, 0, 5, 6, 7, 8, 3, 0, sx);
        e.encode(b);
        assertThat(b.position()).isEqualTo(312);
        assertThat(b.getInt(40)).isEqualTo(3);
        assertThat(b.getInt(44)).isZero();
        assertThat(b.getLong(48)).isZero();
        assertThat(b.getInt(56 + 4)).isEqualTo(4096); // blksize
        assertThat(b.getInt(56 + 16)).isEqualTo(1); // nlink
        assertThat(b.getShort(56 + 28)).isEqualTo((short) 0100644);
        assertThat(b.getLong(56 + 32)).isEqualTo(10); // ino
        assertThat(b.getLong(56 + 40)).isEqualTo(4096); // size
        assertThat(b.getLong(56 + 112)).isEqualTo(200); // mtime.tv_sec
        assertThat(Entry2Out.decode(b.rewind())).isEqualTo(e);
    }

    private static int sizeOf(java.util.function.Consumer<ByteBuffer> enc, int cap) {
        ByteBuffer b = buf(cap);
        enc.accept(b);
        return b.position();
    }
}
