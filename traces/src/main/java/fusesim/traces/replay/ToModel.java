package fusesim.traces.replay;

import fusesim.model.Errno;
import fusesim.model.MountConfig;
import fusesim.model.Opcode;
import fusesim.model.ReplySpec;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions from the trace AST to the model's vocabulary. */
final class ToModel {
  private ToModel() {}

  /**
   * The header's semantics with its {@code assume:} choices; an unknown id or choice is an error
   * at that line.
   */
  static Semantics semantics(String file, Header h) {
    Semantics sem = semantics(h.semantics());
    for (Header.Assumption a : h.assumptions()) {
      try {
        sem = sem.assume(List.of(a.id().text() + "=" + a.choice().text()));
      } catch (IllegalArgumentException e) {
        throw fusesim.traces.lang.TraceSemanticError.at(file, a.pos(), e.getMessage());
      }
    }
    return sem;
  }

  static Semantics semantics(Header.Semantics s) {
    switch (s.series()) {
      case MAINLINE:
        return Semantics.MAINLINE;
      case V1:
        return Semantics.v1();
      default:
        return Semantics.v2(s.patchesApplied());
    }
  }

  static Opcode opcode(ServerOp op) {
    return Opcode.valueOf(op.name());
  }

  /** The model's errno value for a trace errno (the model knows a subset by name). */
  static int errno(Value.Err e) {
    return e.errno().number();
  }

  static String errnoName(int negOrPos) {
    return Errno.ofNumber(Math.abs(negOrPos)).map(Enum::name)
        .orElse(Errno.nameOf(negOrPos));
  }

  static MountConfig mount(Stmt.Mount m) {
    MountConfig c = new MountConfig();
    for (Stmt.MountArg a : m.options()) {
      long v = a.value().map(ToModel::number).orElse(1L);
      apply(c, a.option(), v);
    }
    return c;
  }

  private static void apply(MountConfig c, MountOption o, long v) {
    switch (o) {
      case PASSTHROUGH: c.passthrough = true; break;
      case PASSTHROUGH_INO: c.passthroughIno = true; break;
      case WRITEBACK_CACHE: c.writebackCache = true; break;
      case NO_INIT_EXT: c.noInitExt = true; break;
      case MAX_STACK_DEPTH: c.maxStackDepth = (int) v; c.maxStackDepthGiven = true; break;
      case MINOR: c.minor = (int) v; break;
      case DIRECT_IO_ALLOW_MMAP: c.directIoAllowMmap = true; break;
      case PARALLEL_DIROPS: c.parallelDirops = true; break;
      case NO_PARALLEL_DIROPS: c.parallelDirops = false; break;
      case READDIRPLUS: c.readdirplus = true; break;
      case READDIRPLUS_AUTO: c.readdirplusAuto = true; break;
      case HANDLE_KILLPRIV: c.handleKillpriv = true; break;
      case HANDLE_KILLPRIV_V2: c.handleKillprivV2 = true; break;
      case AUTO_INVAL_DATA: c.autoInvalData = true; break;
      case EXPLICIT_INVAL_DATA: c.explicitInvalData = true; break;
      case ATOMIC_O_TRUNC: c.atomicOTrunc = true; break;
      case DEFAULT_PERMISSIONS: c.defaultPermissions = true; break;
      case ALLOW_OTHER: c.allowOther = true; break;
      case NO_OPEN: c.noOpen = true; break;
      case NO_OPENDIR: c.noOpendir = true; break;
      case NO_FLUSH: c.noFlush = true; break;
      case INIT_ERROR: c.initError = (int) v; break;
      case MAX_WRITE: c.maxWrite = (int) v; break;
      default: throw new IllegalArgumentException(o.toString());
    }
  }

  /** An integer-like value: Int, Flags, Err (its number), Time (nanoseconds). */
  static long number(Value v) {
    if (v instanceof Value.Int) {
      return ((Value.Int) v).value();
    }
    if (v instanceof Value.Flags) {
      return ((Value.Flags) v).value();
    }
    if (v instanceof Value.Err) {
      return ((Value.Err) v).errno().number();
    }
    if (v instanceof Value.Time) {
      return ((Value.Time) v).nanos();
    }
    if (v instanceof Value.Iov iov) {
      return iov.total(); // preadv/pwritev: the model is asked for the summed length (SyscallTable)
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  /** A server reply as a model ReplySpec; {@code op} decides what an entry reply means. */
  static ReplySpec reply(ServerOp op, ReplyClause r) {
    if (r instanceof ReplyClause.Default) {
      return ReplySpec.DEFAULT;
    }
    if (r instanceof ReplyClause.Fails) {
      return new ReplySpec(ReplySpec.Kind.ERROR, errno(((ReplyClause.Fails) r).errno()), Map.of(), false, null);
    }
    if (r instanceof ReplyClause.Open) {
      ReplyClause.Open o = (ReplyClause.Open) r;
      Map<String, Long> f = fields(o.items());
      f.put("open_flags", o.flags().value());
      return new ReplySpec(ReplySpec.Kind.OPEN, 0, f, false, null);
    }
    ReplyClause.Fields fr = (ReplyClause.Fields) r;
    Map<String, Long> f = fields(fr.items());
    List<String> names = null;
    for (Item i : fr.items()) {
      if (i.value() instanceof Value.Names) {
        names = new ArrayList<>(((Value.Names) i.value()).names());
      }
    }
    if (f.containsKey("open")) {
      f.put("open_flags", f.remove("open"));
    }
    ReplySpec.Kind kind = kindOf(op, fr.kind());
    return new ReplySpec(kind, 0, f, false, names);
  }

  private static ReplySpec.Kind kindOf(ServerOp op, ReplyKind k) {
    switch (k) {
      case ENTRY: return op == ServerOp.CREATE ? ReplySpec.Kind.CREATE : ReplySpec.Kind.ENTRY;
      case NEGATIVE: return ReplySpec.Kind.NEGATIVE;
      case ATTR: return ReplySpec.Kind.ATTR;
      case DATA: return ReplySpec.Kind.DATA;
      case WRITTEN: return ReplySpec.Kind.WRITTEN;
      case DIRENTS: return ReplySpec.Kind.DIRENTS;
      case XATTR: return ReplySpec.Kind.XATTR;
      case SEEK: return ReplySpec.Kind.SEEK;
      case IGNORED: return ReplySpec.Kind.ATTR_IGNORED;
      default: return ReplySpec.Kind.OK;
    }
  }

  private static Map<String, Long> fields(List<Item> items) {
    Map<String, Long> f = new LinkedHashMap<>();
    for (Item i : items) {
      if (!(i.value() instanceof Value.Names)) {
        f.put(i.key(), number(i.value()));
      }
    }
    return f;
  }
}
