package fusesim.traces.lang;

import fusesim.model.Errno;
import fusesim.model.Opcode;
import fusesim.model.fuse.RequestFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the catalogs as the Markdown of the "Catalog" section of traces/GRAMMAR.md, so the page
 * is generated from the same tables the parser uses (a test checks that the page is current).
 */
public final class CatalogDoc {
  private CatalogDoc() {}

  /** The Markdown text of the catalog section. */
  public static String markdown() {
    List<String> out = new ArrayList<>();
    syscalls(out);
    argKinds(out);
    flagTables(out);
    errnos(out);
    mountOptions(out);
    serverOps(out);
    replyKinds(out);
    keyTables(out);
    opcodes(out);
    requestFields(out);
    presets(out);
    return String.join("\n", out) + "\n";
  }

  private static void syscalls(List<String> out) {
    out.add("### Syscalls");
    out.add("");
    out.add("| syscall | arguments | `{k=v}` checks | success result |");
    out.add("|---|---|---|---|");
    for (Syscall s : Syscall.values()) {
      List<String> args = new ArrayList<>();
      for (int i = 0; i < s.args().size(); i++) {
        String a = s.args().get(i).name();
        args.add(i < s.requiredArgs() ? a : "[" + a + "]");
      }
      String checks = s.checkKeys().isEmpty() ? "-" : String.join(" ", s.checkKeys().keySet());
      out.add("| `" + s.word() + "` | " + String.join(", ", args) + " | " + checks + " | "
          + (s.returnsMapping() ? "mapping name `m1`" : "integer") + " |");
    }
    out.add("");
  }

  private static void argKinds(List<String> out) {
    out.add("### Argument kinds");
    out.add("");
    out.add("| kind | written as |");
    out.add("|---|---|");
    for (ArgKind k : ArgKind.values()) {
      String how = k.flags().isPresent()
          ? "flag expression: " + String.join(" ", k.flags().get().values().keySet())
              + (k.flags().get().combinable() ? " (joined with `|`)" : " (exactly one)")
              + " or an integer"
          : k.description();
      out.add("| " + k.name() + " | " + how.replace("|", "\\|") + " |");
    }
    out.add("");
  }

  private static void flagTables(List<String> out) {
    out.add("### Flag values (Linux x86_64)");
    out.add("");
    flagTable(out, "open flags (OFLAGS)", Catalog.OPEN_FLAGS, true);
    flagTable(out, "mmap protection (PROT)", Catalog.PROT, false);
    flagTable(out, "mmap flags (MFLAGS)", Catalog.MAP_FLAGS, false);
    flagTable(out, "lseek whence (WHENCE)", Catalog.WHENCE, false);
    flagTable(out, "fallocate mode (FMODE)", Catalog.FALLOC_MODE, false);
    flagTable(out, "renameat2 flags (RFLAGS)", Catalog.RENAME_FLAGS, false);
    flagTable(out, "setxattr flags (XFLAGS)", Catalog.XATTR_FLAGS, false);
    flagTable(out, "access mode (AMODE)", Catalog.ACCESS_MODE, false);
    flagTable(out, "open reply flags (FOPEN_*)", Catalog.FOPEN, false);
    flagTable(out, "backing ops (ops_mask bits, FUSE_PASSTHROUGH_OP)", Catalog.BACKING_OPS, false);
    out.add("");
  }

  private static void flagTable(List<String> out, String title, FlagTable t, boolean octal) {
    List<String> items = new ArrayList<>();
    for (Map.Entry<String, Long> e : t.values().entrySet()) {
      String v = octal ? "0" + Long.toOctalString(e.getValue())
          : "0x" + Long.toHexString(e.getValue());
      items.add("`" + e.getKey() + "` " + v);
    }
    out.add("- " + title + ": " + String.join(", ", items));
  }

  private static void errnos(List<String> out) {
    out.add("### Errno names");
    out.add("");
    out.add("Upper or lower case; aliases EWOULDBLOCK (= EAGAIN), EDEADLOCK (= EDEADLK),"
        + " ENOTSUP (= EOPNOTSUPP).");
    out.add("");
    List<String> items = new ArrayList<>();
    for (Errno e : Errno.values()) {
      items.add(e.name() + " " + e.number());
    }
    out.add(String.join(", ", items) + ".");
    out.add("");
  }

  private static void mountOptions(List<String> out) {
    out.add("### Mount options");
    out.add("");
    out.add("| option | value |");
    out.add("|---|---|");
    for (MountOption o : MountOption.values()) {
      out.add("| `" + o.word() + "` | " + o.valueKind().map(ValueKind::description).orElse("-")
          + " |");
    }
    out.add("");
  }

  private static void serverOps(List<String> out) {
    out.add("### Server opcodes and their replies");
    out.add("");
    out.add("Every opcode also accepts an errno name and `default`.");
    out.add("");
    out.add("| op | FUSE opcode | reply kinds |");
    out.add("|---|---|---|");
    for (ServerOp op : ServerOp.values()) {
      List<String> kinds = new ArrayList<>();
      for (ReplyKind k : op.replies()) {
        kinds.add(k == ReplyKind.OPEN ? "open flags" : "`" + k.keyword() + "`");
      }
      out.add("| `" + op.word() + "` | " + op.opcode().name() + " | " + String.join(", ", kinds)
          + " |");
    }
    out.add("");
  }

  private static void replyKinds(List<String> out) {
    out.add("### Reply kinds and their keys");
    out.add("");
    out.add("| reply | keys |");
    out.add("|---|---|");
    for (ReplyKind k : ReplyKind.values()) {
      String name = k == ReplyKind.OPEN ? "FLAGS (open, opendir)" : "`" + k.keyword() + "`";
      out.add("| " + name + " | " + keys(k.keys()) + " |");
    }
    out.add("| `entry` of `create`, in addition | " + keys(ReplyKind.CREATE_EXTRA_KEYS) + " |");
    out.add("");
  }

  private static void keyTables(List<String> out) {
    out.add("### Keys of `key=value` lists");
    out.add("");
    out.add("| where | keys |");
    out.add("|---|---|");
    out.add("| `lower file/dir/chr/fifo`, `lower set` | " + keys(Catalog.LOWER_ATTRS) + " |");
    out.add("| `thread` | " + keys(Catalog.THREAD_CREDS) + " |");
    out.add("| `server backing_open` | " + keys(Catalog.BACKING_OPEN_PARAMS) + " |");
    out.add("| `{...}` of fstat, stat, lstat | " + keys(Catalog.STAT_CHECKS) + " |");
    out.add("| `{...}` of getdents | " + keys(Catalog.DIRENT_CHECKS) + " |");
    out.add("| `expect inode` (model only) | " + keys(Catalog.EXPECT_INODE) + " |");
    out.add("| `expect backing` (model only) | " + keys(Catalog.EXPECT_BACKING) + " |");
    out.add("| `expect file` (model only) | " + keys(Catalog.EXPECT_FILE) + " |");
    out.add("| `expect conn` (model only) | " + keys(Catalog.EXPECT_CONN) + " |");
    out.add("");
    out.add("Value kinds:");
    out.add("");
    for (ValueKind k : ValueKind.values()) {
      out.add("- " + k.name() + ": " + k.description());
    }
    out.add("");
  }

  private static String keys(Map<String, ValueKind> keys) {
    if (keys.isEmpty()) {
      return "-";
    }
    List<String> items = new ArrayList<>();
    keys.forEach((k, v) -> items.add("`" + k + "` " + v.name()));
    return String.join(", ", items);
  }

  private static void opcodes(List<String> out) {
    out.add("### FUSE opcodes (expect requests, expect no)");
    out.add("");
    List<String> items = new ArrayList<>();
    for (Opcode op : Opcode.values()) {
      items.add(op.name() + " " + op.number());
    }
    out.add(String.join(", ", items) + ".");
  }

  /** The in-struct fields {@code expect requests} can state, from {@link RequestFields}. */
  private static void requestFields(List<String> out) {
    out.add("");
    out.add("### Request fields (expect requests)");
    out.add("");
    out.add("`OPCODE(NODEID[,\"NAME\"][,ARG],field=value,...)`: values by name (flags joined with `|`,"
        + " FUSE bit names with or without their prefix) or as numbers; a field under a flag of another"
        + " is sent only when that flag is set.");
    out.add("");
    out.add("| opcode | struct | fields | not stateable |");
    out.add("|---|---|---|---|");
    for (Opcode op : Opcode.values()) {
      RequestFields.of(op).ifPresent(st -> {
        List<String> fs = new ArrayList<>();
        for (RequestFields.Field f : st.fields()) {
          String kind = switch (f.kind()) {
            case FLAGS -> f.vocab().what();
            case ENUM -> String.join("/", f.vocab().spellings());
            case OCTAL -> "mode";
            case STRING -> "string";
            default -> f.bits() == 64 ? "u64" : "u32";
          };
          fs.add("`" + f.name() + "` " + kind + (f.when() == null ? "" : " (with " + f.when() + " "
              + (f.when().equals("valid") ? RequestFields.value(st.field("valid").get(), f.whenBit())
                  : "FH") + ")"));
        }
        out.add("| " + op.name() + " | " + st.cname() + " | " + String.join(", ", fs) + " | "
            + (st.unstateable().isEmpty() ? "-" : String.join(", ", new java.util.TreeSet<>(st.unstateable().keySet())))
            + " |");
      });
    }
  }

  private static void presets(List<String> out) {
    out.add("");
    out.add("### Server presets (server like PRESET)");
    out.add("");
    out.add("| preset | its policies, for every path |");
    out.add("|---|---|");
    for (ServerPreset p : ServerPreset.values()) {
      out.add("| `" + p.word() + "` | " + String.join("; ", p.lines()) + " |");
    }
  }
}
