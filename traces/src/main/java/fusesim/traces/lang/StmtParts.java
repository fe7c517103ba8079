package fusesim.traces.lang;

import fusesim.model.Opcode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The pieces trace statements are made of that are not statements themselves: a mount option,
 * the node types of {@code lower}, the targets of {@code server backing_open}, the kinds of
 * {@code server notify}, and the request patterns of {@code expect requests} with their fields.
 * {@link Stmt} extends this interface only so that they keep their names {@code Stmt.MountArg},
 * {@code Stmt.Request}, ... (member types are inherited): it has no methods, and nothing else
 * implements it. Kept apart so that Stmt reads as the list of statements, one record per line kind.
 */
public interface StmtParts {
  /** One mount option: bare ({@code passthrough}) or with a value ({@code max_stack_depth=1}). */
  record MountArg(Pos pos, MountOption option, Optional<Value> value) {
    public MountArg {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(option);
      Objects.requireNonNull(value);
      if (value.isPresent() != option.valueKind().isPresent()) {
        throw new IllegalArgumentException("value presence must match " + option);
      }
    }
  }

  /** The node types of {@code lower TYPE PATH}. */
  enum NodeType {
    FILE, DIR, CHR, FIFO;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The file whose fd the server passes to BACKING_OPEN. */
  sealed interface BackingTarget {
    Pos pos();
  }

  /** A file of the lower tree: {@code /a}. */
  record LowerTarget(Word path) implements BackingTarget {
    public LowerTarget {
      Objects.requireNonNull(path);
    }

    @Override
    public Pos pos() {
      return path.pos();
    }
  }

  /** A raw fd number, possibly invalid: {@code fd=-1}. */
  record FdTarget(Pos pos, Value.Int fd) implements BackingTarget {
    public FdTarget {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(fd);
    }
  }

  /** A file on the FUSE mount itself: {@code mount:/a}. */
  record MountTarget(Pos pos, String path) implements BackingTarget {
    public MountTarget {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(path);
    }
  }

  /** The kinds of {@code server notify}. */
  enum NotifyKind {
    INVAL_ENTRY, INVAL_INODE, PRUNE;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One expected request: {@code OPCODE(NODEID)}, {@code OPCODE(NODEID,"NAME")} or
   * {@code FORGET(NODEID,NLOOKUP)}; {@code arg} is then a {@link Value.Str} or a {@link Value.Int}.
   * MKNOD, SYMLINK and LINK name one in-arg field after the name ({@code field}): the mode
   * ({@code MKNOD(1,"x",0100644)}), the target ({@code SYMLINK(1,"l","a)}) or the old nodeid
   * ({@code LINK(1,"b",10)}). Then any in-struct fields by the kernel's names
   * ({@code SETATTR(10,valid=SIZE|LOCKOWNER,size=0)}); fields not written are not compared.
   */
  record Request(Pos pos, Opcode opcode, Value.Int nodeid, Optional<Value> arg,
      Optional<Value> field, List<ReqField> fields) {
    public Request {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(opcode);
      Objects.requireNonNull(nodeid);
      Objects.requireNonNull(arg);
      Objects.requireNonNull(field);
      fields = List.copyOf(fields);
    }

    public Request(Pos pos, Opcode opcode, Value.Int nodeid, Optional<Value> arg) {
      this(pos, opcode, nodeid, arg, Optional.empty(), List.of());
    }

    public Request(Pos pos, Opcode opcode, Value.Int nodeid, Optional<Value> arg,
        Optional<Value> field) {
      this(pos, opcode, nodeid, arg, field, List.of());
    }

    /** The name argument, if it is one. */
    public Optional<String> name() {
      return arg.filter(a -> a instanceof Value.Str).map(a -> ((Value.Str) a).value());
    }
  }

  /**
   * One in-struct field of an expected request, {@code name=value} as written; {@code resolved}
   * is its value (flags or-ed, names looked up in {@link fusesim.model.fuse.RequestFields}).
   */
  record ReqField(Pos pos, String name, Value value, long resolved) {
    public ReqField {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(name);
      Objects.requireNonNull(value);
    }
  }
}
