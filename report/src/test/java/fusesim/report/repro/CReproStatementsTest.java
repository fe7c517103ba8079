package fusesim.report.repro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the generated C states for the statements of the file-data and server-preset traces (no
 * kernel: the C is read, and compiled with {@code cc -O2 -Wall -Werror} where there is a compiler):
 * the outside writer's pwrite, a lower file's initial bytes, the memcmp of a read's stated bytes,
 * the preset's rules for every path, and the fields of {@code expect requests}. And what is still
 * refused, with FILE:LINE:COL.
 */
class CReproStatementsTest {
    private static final Path MAINLINE = Path.of("..", "traces", "corpus", "mainline");

    static String repro(String name) throws Exception {
        Path p = MAINLINE.resolve(name + ".trace");
        return CRepro.generate(TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
    }

    static String reproOf(String text) {
        return CRepro.generate(TraceParser.parse("t.trace", text));
    }

    @Test
    void outsideWriterIsAPwriteOfTheLowerFileAndReadsCompareTheirBytes() throws Exception {
        String c = repro("data-passthrough-read-sees-outside-write");
        assertThat(c).contains("st_lower(\"/a\", S_IFREG, 0L, 0644, 0, 0, 10, ")
                .contains(", 0, \"hello world\", 11L, -1L);") // data=: exactly these bytes, no size= after it
                .contains("st_lower_write(\"/a\", 0L, \"HELLO\", 5L);")
                .contains("{OUT_RET, 5L, 0, \"5 \\\"hello\\\"\", \"hello\", 5L}")
                .contains("{OUT_RET, 11L, 0, \"11 \\\"HELLO world\\\"\", \"HELLO world\", 11L}")
                .contains("if (!v && r->ret >= 0) v = data_verdict(o, r, vb, sizeof vb);")
                .contains("!memcmp(r->data, o->data, (size_t)o->dlen)");
        // a read without stated bytes compares none
        assertThat(reproOf("trace: t\nresult: pass\nmount\nlower file /a size=4\nT1 open(\"/a\", O_RDONLY) = 3\n"
                + "T1 read(3, 4) = 4\n")).contains("{OUT_RET, 4L, 0, \"4\", NULL, 0L}");
    }

    @Test
    void bytesOutsideAsciiAreOctalEscapesOfOneByteEach() throws Exception {
        String c = repro("data-direct-io-read-sees-outside-write");
        assertThat(c).contains("st_lower_write(\"/a\", 2L, \"\\000\\377\", 2L);")
                .contains("\"ab\\000\\377efgh\", 8L}");
    }

    @Test
    void lowerSetAppliesDataAndSizeInTheOrderWritten() {
        String head = "trace: t\nresult: pass\nmount\nlower file /a size=4\n";
        assertThat(reproOf(head + "lower set /a data=\"xy\" size=4\n"))
                .contains("st_lower_set(\"/a\", -1, -1, -1, -1, -1, ").contains(", \"xy\", 2L, 4L);");
        assertThat(reproOf(head + "lower set /a size=4 data=\"xy\"\n"))
                .contains("st_lower_set(\"/a\", 4, -1, -1, -1, -1, ").contains(", \"xy\", 2L, -1L);");
        assertThat(reproOf(head + "lower set /a size=9\n")).contains(", NULL, -1L, -1L);");
    }

    @Test
    void writesUseTheTraceConventionNotTheLowerPattern() throws Exception {
        String c = repro("data-keep-cache-read-stale-after-outside-write");
        assertThat(c).contains("b[i] = (unsigned char)('A' + (origin + i) % 26);")
                .contains("written(b, c->sc == SC_WRITE ? 0 : c->a[2], c->a[1]);")
                .contains("written(b, c->a[1], (long)len);") // mwrite
                .doesNotContain("pattern(b, c->sc == SC_WRITE");
    }

    @Test
    void passthroughHpPresetIsRulesForEveryPath() throws Exception {
        String c = repro("passthrough-hp-getxattr-enodata-asked-every-write");
        // GETXATTR (22) ENODATA (61), LISTXATTR (23) xattr size=0, open keep_cache|parallel_direct_writes
        assertThat(c).contains("st_server_like((const int[]){22, 23, 21, 24, 34, 46, 52, 45, 14, 27, }, ")
                .contains("{.kind = RS_ERR, .err = 61, ").contains("{.kind = RS_XATTR, .err = 0, .is_entry = 0, .size = 0, ")
                .contains("}, 10);")
                .contains("\"GETXATTR(10,name=\\\"security.capability\\\",size=0)\", \"WRITE(10,offset=0,size=100)\"")
                .contains("if (!covers(want[wi], seen[gi])) { ok = 0; break; }");
    }

    /** The series' entry2 reply fields: patched into the reply, and sent only in fuse_entry2_out. */
    @Test
    void seriesEntryReplyFieldsArePatchesOfTheEntry2Reply() throws Exception {
        Path v2 = Path.of("..", "traces", "corpus", "v2");
        String create = CRepro.generate(TraceParser.parse("c.trace",
                Files.readString(v2.resolve("create-open-different-backing-eio.trace"))));
        assertThat(create).contains("[K_BACKING] = 1, ").contains("[K_OPEN_BACKING] = 1, ")
                .contains("[K_BACKING] = 1L, ").contains("[K_OPEN_BACKING] = 2L, ")
                .contains("r->o.backing_id = (int32_t)pget(f, K_OPEN_BACKING, r->o.backing_id);");
        String mknod = CRepro.generate(TraceParser.parse("m.trace",
                Files.readString(v2.resolve("entry-creation-mknod-attaches-new-backing.trace"))));
        assertThat(mknod).containsPattern("\\[K_NEW_BACKING\\] = [1-9][0-9]*L, ")
                .contains("if (spec->has[K_NEW_BACKING] && makes_node(op) && r->kind == RP_ENTRY) new_backing(q, r, ");
        String statx = CRepro.generate(TraceParser.parse("s.trace",
                Files.readString(v2.resolve("entry2-statx-mask-zero-applied.trace"))));
        assertThat(statx).contains("[K_STATX_MASK] = 1, ").contains("[K_STATX_MASK] = 0L, ")
                .contains("memcpy(x, &smask, 4); /* fuse_statx.mask @0 */");
        // a mainline entry reply states none of them
        assertThat(repro("passthrough-then-cached")).doesNotContain("[K_STATX_MASK] = 1")
                .doesNotContain("[K_NEW_BACKING] = 1").doesNotContain("[K_OPEN_BACKING] = 1");
    }

    @Test
    void theFourTracesCompile() throws Exception {
        Assumptions.assumeTrue(ReproCorpusTest.haveCc(), "no C compiler (cc) on this machine");
        Path dir = Files.createDirectories(Path.of("target", "repro-statements"));
        for (String n : new String[] {"data-direct-io-read-sees-outside-write", "data-keep-cache-read-stale-after-outside-write",
            "data-passthrough-read-sees-outside-write", "passthrough-hp-getxattr-enodata-asked-every-write"}) {
            Path src = dir.resolve(n + ".c");
            Files.writeString(src, repro(n), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", src.toString(), "-o", dir.resolve(n).toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("cc %s:%n%s", n, out).isZero();
        }
    }

    @Test
    void stillUnsupportedIsRefusedWithFileLineColumn() {
        String head = "trace: t\nresult: pass\nmount\nlower file /a size=4\n";
        assertThatThrownBy(() -> reproOf(head + "server setattr /a ignored\n"))
                .isInstanceOf(TraceSemanticError.class).hasMessageStartingWith("t.trace:5:")
                .hasMessageContaining("the C reproducer cannot send a IGNORED reply");
        assertThatThrownBy(() -> reproOf(head + "server fault lookup short_write\n"))
                .isInstanceOf(TraceSemanticError.class).hasMessageStartingWith("t.trace:5:1:")
                .hasMessageContaining("no faulted reply (server fault)");
        assertThatThrownBy(() -> reproOf(head + "lower dir /d data=\"x\"\n"))
                .isInstanceOf(fusesim.traces.lang.TraceError.class).hasMessageStartingWith("t.trace:5:");
    }

    @Test
    void everyCatalogFieldIsDecodedAndAFieldTheCLacksIsRefusedAtItsColumn() {
        for (fusesim.model.Opcode op : fusesim.model.Opcode.values()) {
            java.util.List<String> catalog = fusesim.model.fuse.RequestFields.of(op)
                    .map(fusesim.model.fuse.RequestFields.Struct::names).orElse(java.util.List.of());
            assertThat(CRequestFields.DECODED.getOrDefault(op, java.util.List.of())).as("%s", op)
                    .containsExactlyInAnyOrderElementsOf(catalog);
        }
        String text = "trace: t\nresult: pass\nmount\nlower file /a size=4\nT1 open(\"/a\", O_RDONLY) = 3\n"
                + "expect requests LOOKUP(1,\"a\") OPEN(10,flags=O_RDONLY|O_LARGEFILE)\n";
        fusesim.traces.lang.Trace t = TraceParser.parse("t.trace", text);
        fusesim.traces.lang.Stmt.ExpectRequests e = (fusesim.traces.lang.Stmt.ExpectRequests) t.body().get(t.body().size() - 1);
        assertThat(CRequestFields.undecoded(e, CRequestFields.DECODED)).isEmpty();
        assertThat(CRequestFields.undecoded(e, java.util.Map.of())).hasValueSatisfying(f -> {
            assertThat(f.name()).isEqualTo("flags");
            assertThat(f.pos().line()).isEqualTo(6);
            assertThat(f.pos().col()).isEqualTo(text.lines().toList().get(5).indexOf("flags=") + 1);
        });
        assertThat(reproOf(text)).contains("\"OPEN(10,flags=O_RDONLY|O_LARGEFILE)\"")
                .contains("{14, \"flags\", FK_FLAGS, ").contains("{\"O_LARGEFILE\", 0x8000ULL}");
    }

    @Test
    void theDefaultPermissionsTracesStateCreateFieldsTheCCompares() throws Exception {
        assertThat(repro("default-permissions-create-needs-write-on-dir"))
                .contains("CREATE(30,\\\"new\\\",flags=O_WRONLY|O_CREAT|O_LARGEFILE,mode=0100644)");
    }
}
