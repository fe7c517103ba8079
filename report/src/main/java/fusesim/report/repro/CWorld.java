package fusesim.report.repro;

import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static fusesim.report.repro.CLiterals.c;
import static fusesim.report.repro.CLiterals.data;
import static fusesim.report.repro.CLiterals.lit;

/**
 * The world statements as C: a mount line as the runtime's {@code struct mountcfg} (the INIT flags
 * ServerConfig requests), the lower tree's nodes and attributes as {@code st_lower} and
 * {@code st_lower_set}, in the order the trace states them (as the kernel oracle's WorldSetup).
 */
final class CWorld {
    private CWorld() {}

    static String mount(Stmt.Mount m) {
        long flags = (1L << 5) | (1L << 22); // BIG_WRITES | MAX_PAGES, as ServerConfig.requestedFlags
        boolean initExt = true;
        boolean parallelDirops = !m.has(MountOption.NO_PARALLEL_DIROPS);
        int minor = 45;
        int depth = 1;
        int maxWrite = 131072;
        int initError = 0;
        boolean defaultPermissions = false;
        List<String> enosys = new ArrayList<>();
        for (Stmt.MountArg a : m.options()) {
            Optional<Value> val = a.value();
            switch (a.option()) {
                case PASSTHROUGH -> flags |= 1L << 37;
                case PASSTHROUGH_INO -> flags |= (1L << 43) | (1L << 37);
                case WRITEBACK_CACHE -> flags |= 1L << 16;
                case NO_INIT_EXT -> initExt = false;
                case MAX_STACK_DEPTH -> depth = (int) ((Value.Int) val.get()).value();
                case MINOR -> minor = (int) ((Value.Int) val.get()).value();
                case DIRECT_IO_ALLOW_MMAP -> flags |= 1L << 36;
                case PARALLEL_DIROPS, ALLOW_OTHER, NO_PARALLEL_DIROPS -> { }
                case READDIRPLUS -> flags |= 1L << 13;
                case READDIRPLUS_AUTO -> flags |= (1L << 14) | (1L << 13);
                case HANDLE_KILLPRIV -> flags |= 1L << 19;
                case HANDLE_KILLPRIV_V2 -> flags |= 1L << 28;
                case AUTO_INVAL_DATA -> flags |= 1L << 12;
                case EXPLICIT_INVAL_DATA -> flags |= 1L << 25;
                case ATOMIC_O_TRUNC -> flags |= 1L << 3;
                case DEFAULT_PERMISSIONS -> defaultPermissions = true;
                case NO_OPEN -> enosys.add("OP_OPEN");
                case NO_OPENDIR -> enosys.add("OP_OPENDIR");
                case NO_FLUSH -> enosys.add("OP_FLUSH");
                case INIT_ERROR -> initError = ((Value.Err) val.get()).errno().number();
                case MAX_WRITE -> maxWrite = (int) ((Value.Int) val.get()).value();
            }
        }
        flags |= initExt ? 1L << 30 : 0;
        flags |= parallelDirops ? 1L << 18 : 0;
        enosys.add("0");
        return "st_mount(&(const struct mountcfg){.flags = 0x" + Long.toHexString(flags) + "ULL, .minor = " + minor
                + ", .max_stack_depth = " + depth + ", .max_write = " + maxWrite + ", .init_error = " + initError
                + ", .allow_other = 1, .default_permissions = " + (defaultPermissions ? 1 : 0) + ", .enosys = {"
                + String.join(", ", enosys) + "}});";
    }

    static String lowerNode(Trace trace, Stmt.LowerNode n) {
        List<Item> a = n.attrs();
        String type = switch (n.type()) {
            case FILE -> "S_IFREG";
            case DIR -> "S_IFDIR";
            case CHR -> "S_IFCHR";
            case FIFO -> "S_IFIFO";
        };
        long mode = Item.longValue(a, "mode").orElse(n.type() == Stmt.NodeType.DIR ? 0755L : 0644L);
        Optional<Item> data = Item.find(a, "data");
        if (data.isPresent() && n.type() != Stmt.NodeType.FILE) {
            throw TraceSemanticError.at(trace, data.get().pos(), "the C reproducer writes data= only into a lower file (as the kernel oracle)");
        }
        return "st_lower(" + c(n.path().text()) + ", " + type + ", " + lit(Item.longValue(a, "size").orElse(0L)) + ", 0"
                + Long.toOctalString(mode) + ", " + Item.longValue(a, "uid").orElse(0L) + ", "
                + Item.longValue(a, "gid").orElse(0L) + ", " + Item.longValue(a, "ino").orElse(-1L) + ", "
                + overrides(a) + ", " + Item.longValue(a, "stack_depth").orElse(0L) + ", " + dataInOrder(a) + ");";
    }

    static String lowerSet(Stmt.LowerSet ls) {
        List<Item> a = ls.attrs();
        long sizeBefore = sizeAfterData(a) ? -1L : Item.longValue(a, "size").orElse(-1L);
        return "st_lower_set(" + c(ls.path().text()) + ", " + sizeBefore + ", "
                + Item.longValue(a, "mode").orElse(-1L) + ", " + Item.longValue(a, "uid").orElse(-1L) + ", "
                + Item.longValue(a, "gid").orElse(-1L) + ", " + Item.longValue(a, "ino").orElse(-1L) + ", "
                + overrides(a) + ", " + dataInOrder(a) + ");";
    }

    /**
     * {@code data="..."} as the C's {@code data, dlen, size_after}: the bytes (dlen -1 without data=)
     * and a {@code size=} written after it, which resizes the file after the data is written, as
     * KernelReplay.dataInOrder and the model's World.setAttrs apply attributes in order.
     */
    static String dataInOrder(List<Item> a) {
        Optional<Value> d = Item.get(a, "data");
        if (d.isEmpty()) {
            return "NULL, -1L, -1L";
        }
        long after = sizeAfterData(a) ? Item.longValue(a, "size").orElse(-1L) : -1L;
        return data((Value.Data) d.get()) + ", " + lit(after);
    }

    static boolean sizeAfterData(List<Item> a) {
        int data = -1;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).key().equals("data")) {
                data = i;
            } else if (a.get(i).key().equals("size")) {
                return data >= 0;
            }
        }
        return false;
    }

    /** The attributes a real file cannot carry (nlink, atime, mtime, ctime, generation): has[] and values. */
    static String overrides(List<Item> a) {
        StringBuilder has = new StringBuilder("(const int[]){");
        StringBuilder val = new StringBuilder("(const long[]){");
        for (String k : List.of("nlink", "atime", "mtime", "ctime", "generation")) {
            Optional<Long> v = Item.longValue(a, k);
            has.append(v.isPresent() ? 1 : 0).append(", ");
            val.append(lit(v.orElse(0L))).append(", ");
        }
        return has.append("}").toString() + ", " + val.append("}");
    }
}
