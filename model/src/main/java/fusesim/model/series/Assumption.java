package fusesim.model.series;

import java.util.List;
import java.util.Optional;

/**
 * An open question about the series that the model must answer to run: the code of most patches
 * was not seen (of the v2 posting, https://lore.kernel.org/all/20260516004004.1455526-1-joannelkoong@gmail.com/, only 01's commit
 * message and first hunk and the start of 21's documentation could be read), so every point where the model's behaviour is
 * inferred is named here, with its alternatives, the default and why, and the evidence. Traces pick
 * a choice with {@code assume: A5=degrade}; {@code fusesim check --assume A5=degrade} does the
 * same, and {@code --all-assumptions} runs the combinations. The model reads a choice with
 * {@link Semantics#is(Assumption, String)}, which refuses a choice the registry does not list, so a
 * typo in the model is an error, not a silently dead branch.
 *
 * @param id A1, A2, ...
 * @param key a short name for reports
 * @param question the review question
 * @param choices the alternatives, default first
 * @param why why the default is the default
 * @param evidence evidence labels: SEEN (read in the posted patch), SEEN-libfuse (read in the
 *     series' test server, github.com/joannekoong/libfuse branch extended_passthrough_v2, whose UAPI
 *     copy the tested kernel must match), SEEN-pre (pre-series code or mail by the same authors:
 *     design intent), INF (inferred from titles, the UAPI and the server), INF-strong (forced by a
 *     seen artefact)
 *     with their sources
 * @param patches the v2 patches whose behaviour depends on it
 * @param openQuestion where the review notes ask it: §6 qN, §5.3 item N (both listed in
 *     traces/corpus/v2/README.md)
 */
public record Assumption(String id, String key, String question, List<Choice> choices, String why,
    String evidence, List<Integer> patches, String openQuestion) {

  /** One alternative and what the model then does. */
  public record Choice(String name, String meaning) {}

  public String defaultChoice() {
    return choices.get(0).name();
  }

  public boolean hasChoice(String name) {
    return choices.stream().anyMatch(c -> c.name().equals(name));
  }

  public static Optional<Assumption> byId(String id) {
    return ALL.stream().filter(a -> a.id.equals(id)).findFirst();
  }

  private static Assumption of(String id, String key, String question, String why, String evidence,
      List<Integer> patches, String openQuestion, Choice... choices) {
    return new Assumption(id, key, question, List.of(choices), why, evidence, patches, openQuestion);
  }

  private static Choice c(String name, String meaning) {
    return new Choice(name, meaning);
  }

  public static final Assumption INO_RULE = of("A1", "ino-rule",
      "Under FUSE_PASSTHROUGH_INO, which fuse inode number must the backing inode's i_ino equal?",
      "The commit message of 01 says the backing file inode number must match the fuse inode "
          + "number, and with 64-bit ino_t the fuse inode's i_ino is the server's attr.ino.",
      "SEEN S2 (01 commit message); SEEN-pre S12 (Amir: \"nodeid == st_ino\"); INF",
      List.of(1), "§6 q2",
      c("attr-ino", "backing i_ino == the fuse inode's i_ino (attr.ino of the entry reply)"),
      c("nodeid", "backing i_ino == the nodeid"),
      c("both", "backing i_ino == attr.ino == nodeid"));

  public static final Assumption INO_RULE_SCOPE = of("A2", "ino-rule-scope",
      "Is the ino rule also enforced for open-time FOPEN_PASSTHROUGH backings, or only for backings "
          + "attached to the inode at lookup?",
      "01 changes fuse_inode_uncached_io_start() to take the inode (seen hunk) and touches iomode.c "
          + "(+10 -3): the common path of every backing attach.",
      "SEEN S2 (signature change in the first hunk, diffstat); INF", List.of(1), "§6 q2",
      c("every-backing", "checked in fuse_inode_uncached_io_start for every fb"),
      c("lookup-only", "checked only when a lifetime backing is attached at lookup"));

  public static final Assumption ATTACH_FAILURE = of("A5", "attach-failure",
      "When an entry reply names a backing that cannot be attached (closed id, ino mismatch, mask "
          + "without GETATTR, conflicting backing, cached opens), does the lookup fail or degrade?",
      "Amir's review of the same helper on Paul's patch: \"This needs to queue forget + iput\", "
          + "i.e. the lookup fails and its lookup count is given back.",
      "SEEN-pre S11 (R3); INF", List.of(7, 13, 14, 15), "§6 q1; §5.3 items 2, 8",
      c("fail-lookup", "the lookup fails; FORGET(nodeid, 1) is queued and the inode put"),
      c("degrade", "the lookup succeeds; the inode has no passthrough"));

  public static final Assumption ATTACH_ERRNO = of("A4", "attach-errno",
      "With attach-failure=fail-lookup, which errno does the user see?",
      "Mainline turns every server mistake in io-mode setup into EIO (fuse_file_io_open: \"Using "
          + "incorrect open mode is a server mistake\").",
      "SEEN mainline iomode.c; SEEN-pre S11 (the helper returns -EINVAL/-ENOENT/-EOPNOTSUPP)",
      List.of(13), "§6 q1",
      c("eio", "EIO"),
      c("propagate", "the helper's errno: EINVAL, ENOENT, EOPNOTSUPP, EBUSY, ETXTBSY, EIO"));

  public static final Assumption ZERO_OPS_MASK = of("A3", "zero-ops-mask",
      "What does ops_mask == 0 in BACKING_OPEN (every pre-series server) mean?",
      "Patch 08's title (handle zero ops_mask) and backward compatibility: old servers must keep "
          + "read/write passthrough after FOPEN_PASSTHROUGH.",
      "SEEN title of 08; INF", List.of(8, 9), "§6 q5; §5.3 item 11",
      c("rw-ops", "0 means FUSE_PASSTHROUGH_RW_OPS (read, write)"),
      c("no-ops", "0 grants nothing: io of such a backing goes to the server"));

  public static final Assumption LIFETIME_NEEDS_GETATTR = of("A6", "lifetime-needs-getattr",
      "Must a backing attached at lookup have GETATTR in its ops_mask?",
      "Amir's branch: \"Backing inode requires at least GETATTR op passthrough\" (-EOPNOTSUPP), so "
          + "the server's attribute cache never mixes with inode passthrough.",
      "SEEN-pre S11 (R4)", List.of(7), "§5.3 items 6, 11",
      c("require-getattr", "attach fails with EOPNOTSUPP without GETATTR"),
      c("any-mask", "any mask can be attached for the inode's lifetime"));

  public static final Assumption CONFLICTING_BACKING = of("A7", "conflicting-backing",
      "An inode already has lifetime backing B1; an entry reply names B2 != B1. What happens?",
      "The helper on Amir's branch returns 0 when the inode already has a permanent backing "
          + "(\"set once for the lifetime of the inode\").",
      "SEEN-pre S11; SEEN mainline (-EBUSY for a different fb in uncached_io_start)", List.of(7, 13),
      "§6 q1; §5.3 item 3",
      c("keep-first", "no-op: B1 stays, B2's reference is put"),
      c("ebusy", "the attach fails with EBUSY (then attach-failure applies)"));

  public static final Assumption REVALIDATE_BACKING = of("A8", "revalidate-backing",
      "Does the LOOKUP of a dentry revalidation attach the reply's backing to an inode without one?",
      "The v1 cover letter: after an ls, operations go through the server \"until their dentries "
          + "expire and a fresh lookup sets up passthrough\": the revalidating lookup sets it up.",
      "SEEN v1 cover letter; INF", List.of(11, 13), "§6 q8; §5.3 item 15",
      c("attach", "revalidate attaches like lookup (a failure makes the dentry invalid)"),
      c("ignore", "revalidate ignores backing_id"),
      c("invalidate", "a reply naming a backing the inode lacks invalidates the dentry"));

  public static final Assumption ENTRY2_STATX_MASK = of("A9", "entry2-statx-mask",
      "fuse_entry2_out carries a fuse_statx; the v2 test server leaves statx.mask = 0. Are the "
          + "attributes cached anyway?",
      "The v2 server sends mask 0 and its fstests runs pass without regressions, so the kernel "
          + "cannot be discarding them.",
      "SEEN-libfuse (fill_entry2 never sets statx.mask); INF", List.of(10, 12), "§6 q4; §5.3 item 14",
      c("apply", "attributes applied whatever statx.mask says"),
      c("require-basic-stats", "as FUSE_STATX: cached only with STATX_BASIC_STATS, else expire at once"));

  public static final Assumption LOOKUP_ATTRS_SOURCE = of("A10", "lookup-attrs-source",
      "For an inode with a lifetime GETATTR backing, do the attributes come from the entry reply "
          + "or from the backing inode?",
      "Amir (2025): \"My patches already implement that when GETATTR is in the mask\", answering "
          + "\"ignore the passed in attributes and read them from the backing file\".",
      "SEEN-pre S10", List.of(6, 13), "§5.3 item 20",
      c("backing", "the inode's attributes are copied from the backing inode"),
      c("reply", "the entry reply's attributes are applied"));

  public static final Assumption INHERIT_WITHOUT_LIFETIME = of("A11", "inherit-without-lifetime",
      "OPEN reply FOPEN_PASSTHROUGH with backing_id 0 on an inode with no lifetime backing.",
      "Amir's sketch: err = fb ? PTR_ERR(fb) : -ENOENT, with fuse_inode_passthrough() returning "
          + "only permanent backings.",
      "SEEN-pre S11; INF", List.of(16), "§5.3 item 17",
      c("enoent", "ENOENT inside, EIO to the user"),
      c("open-time-fb", "the inode's open-time fi->fb, if any, is inherited"));

  public static final Assumption PARTIAL_MMAP = of("A12", "partial-mmap",
      "mmap of a passthrough file whose backing lacks READ (or WRITE, for a shared writable map).",
      "A mapping of the backing's pages would bypass the server for the op it did not grant.",
      "INF", List.of(9), "§6 q6; §5.3 item 13",
      c("enodev", "mmap fails with ENODEV"),
      c("allow", "the backing is mapped anyway"));

  public static final Assumption DIR_BACKING_MASK = of("A13", "dir-backing-mask",
      "BACKING_OPEN of a directory with ops other than READDIR, or of a regular file with READDIR.",
      "The valid-ops check of 02 is per op; 03 lets directories in only for directory ops.",
      "SEEN-pre S15 (2023 code); INF", List.of(3), "§5.3 item 12",
      c("einval", "EINVAL"),
      c("accept", "accepted; the ops that do not apply are never used"));

  public static final Assumption INO_WITHOUT_PASSTHROUGH = of("A14", "ino-without-passthrough",
      "The INIT reply accepts FUSE_PASSTHROUGH_INO but not FUSE_PASSTHROUGH.",
      "01 calls it \"a more strict variant of FUSE_PASSTHROUGH mode\".",
      "SEEN S2, S4; INF", List.of(1), "§5.3 item 22",
      c("ignored", "passthrough_ino stays off"),
      c("conn-error", "the connection fails INIT (every request ECONNREFUSED)"));

  public static final Assumption SETATTR_PERMISSION = of("A15", "setattr-permission",
      "Passthrough setattr runs notify_change() on the backing with the server's credentials. Who "
          + "checks the caller's permission (without default_permissions fuse forces setattr)?",
      "v2 models the helper after ovl_setattr(), which calls setattr_prepare() on the upper inode "
          + "with the caller's credentials first.",
      "SEEN-pre S18 (ovl_setattr); INF", List.of(18, 19), "§5.3 item 18",
      c("caller-checked", "setattr_prepare with the caller's credentials: EPERM for a non-owner"),
      c("forced", "ATTR_FORCE as fuse_do_setattr: any caller may chmod, chown or truncate"));

  public static final Assumption V1_KERNEL_OPEN = of("A16", "v1-kernel-open",
      "v1's kernel-initiated open (FUSE_PASSTHROUGH_OP_OPEN): is RELEASE still sent?",
      "An open the server never saw has nothing for the server to release.",
      "SEEN v1 docs (\"kernel-initiated open (bypassing FUSE_OPEN)\"); INF", List.of(), "§6 q9",
      c("no-release", "neither OPEN nor RELEASE is sent"),
      c("release-sent", "no OPEN, but RELEASE is sent at the last close"));

  public static final Assumption V1_CACHED_MIXING = of("A17", "v1-cached-mixing",
      "In v1, does a lifetime backing hold the inode in uncached io mode?",
      "v2's changelog: \"not mixing cached io mode with passthrough mode\" was added per Amir's v1 "
          + "review, so v1 mixed.",
      "SEEN v2 changelog; INF (exact v1 form unknown)", List.of(), "§4 table",
      c("mixed", "v1: the lifetime backing takes no io-mode reference; cached opens are allowed"),
      c("as-v2", "v1 behaves as v2 here"));

  public static final Assumption DIR_PASSTHROUGH_GATE = of("A18", "dir-passthrough-gate",
      "Is directory passthrough (an OPENDIR reply with FOPEN_PASSTHROUGH, 03/04) active only under "
          + "FUSE_PASSTHROUGH_INO, or on every passthrough mount?",
      "The v2 docs: \"With the extended FUSE_PASSTHROUGH_INO mode, passthrough is also supported for "
          + "... directory operations (readdir)\". On mainline an OPENDIR's FOPEN_PASSTHROUGH is ignored, "
          + "so ungated, a server that sets it by mistake would start failing opendir with EIO.",
      "SEEN S4 (v2 docs intro); SEEN mainline (fuse_dir_open ignores it); INF", List.of(3, 4),
      "§5.3 item 21, item 22",
      c("passthrough-ino", "only with FUSE_PASSTHROUGH_INO negotiated"),
      c("passthrough", "on every passthrough mount"));

  public static final Assumption PASSTHROUGH_KILL_MODE = of("A19", "passthrough-kill-mode",
      "A write, fallocate, truncate or chown by a thread without CAP_FSETID asks fuse_setattr() to "
          + "kill suid/sgid (ATTR_KILL_SUID/SGID). When the inode's setattr is passed through "
          + "(19/21), who computes the new mode: the backing inode's notify_change(), given the "
          + "kill bits, or fuse_setattr()'s own recalculation, as for a server?",
      "The cover letter reports fstests generic/683, 684 and 685 passing with passthrough inode "
          + "ops. Only the backing's notify_change() gives their golden output for a setgid file "
          + "that is not group-executable, written by a user outside its group (tests 1 and 3: "
          + "6666 -> 666): fuse_setattr() recomputes S_ISGID only when group-executable (-> 2666). "
          + "FUSE-BPF's fuse_setattr() does the same (\"Let the lower inode derive its own exact "
          + "mode\").",
      "SEEN cover letter (generic/683-685 now pass); SEEN fstests 683.out; SEEN-elsewhere FUSE-BPF "
          + "(Android common kernel fs/fuse/dir.c); INF", List.of(19, 20), "§5.3 item 19",
      c("backing-derives", "the kill bits go to the backing's notify_change(): S_ISUID dropped, "
          + "S_ISGID dropped whenever the VFS asked"),
      c("fuse-recompute", "fuse_setattr() recomputes from the backing's i_mode (20/21): S_ISGID "
          + "dropped only when group-executable"));

  public static final Assumption ENTRY_BACKING_TYPE = of("A20", "entry-backing-type",
      "Does an entry reply's backing_id (lookup 13, entry creation 14) attach to an inode that is "
          + "neither a regular file nor a directory (a symlink, fifo, device or socket)?",
      "The attach helper as inferred for 07 checks the ops mask and the ino rule, not the type; the "
          + "model applies it to every entry reply. The v2 test server sends a backing only for "
          + "regular files (S_ISREG), so only an arbitrary server reaches the question.",
      "SEEN-libfuse (the v2 server: do_lookup(..., setup_backing) and S_ISREG); INF (kernel side "
          + "of 14 not seen)", List.of(13, 14), "§3 patch 14",
      c("attach", "the backing is attached as for a regular file (the ino rule and A6 still apply)"),
      c("ignore", "the backing_id is ignored for such inodes (the lookup's reference is not taken)"));

  public static final Assumption PERMISSION_GETATTR = of("A21", "permission-getattr",
      "On a default_permissions mount, fuse_permission() refreshes stale mode/uid/gid with "
          + "fuse_perm_getattr() -> fuse_do_getattr(). For an inode whose GETATTR is passed "
          + "through (06/21), does that refresh read the backing inode, or send FUSE_GETATTR?",
      "06/21 serves getattr \"directly from the backing inode, instead of FUSE_GETATTR\"; Amir's "
          + "branch required GETATTR in every backing's ops mask so as \"not ever have to deal with "
          + "inode attr cache when setting up passthrough to inode operations\": an attribute "
          + "cache the permission check still refreshes from the server would be exactly that. "
          + "The v2 test server (passthrough_hp) mounts with default_permissions, so its fstests "
          + "runs took this path; nothing says whether the hook is in fuse_do_getattr() (both) "
          + "or only in fuse_update_get_attr() (stat only).",
      "SEEN-pre S10, S11 (Amir's branch); SEEN-libfuse (passthrough_hp -o default_permissions); "
          + "INF (06's hook not seen)", List.of(6), "§6 item 7",
      c("backing", "the permission check copies the backing inode's attributes (no GETATTR), "
          + "every time, as stat does"),
      c("server", "fuse_perm_getattr() sends FUSE_GETATTR as on mainline when the attributes "
          + "are stale; only stat/statx are served from the backing"));

  /** The registry, in id order. */
  public static final List<Assumption> ALL = List.of(INO_RULE, INO_RULE_SCOPE, ZERO_OPS_MASK,
      ATTACH_ERRNO, ATTACH_FAILURE, LIFETIME_NEEDS_GETATTR, CONFLICTING_BACKING, REVALIDATE_BACKING,
      ENTRY2_STATX_MASK, LOOKUP_ATTRS_SOURCE, INHERIT_WITHOUT_LIFETIME, PARTIAL_MMAP,
      DIR_BACKING_MASK, INO_WITHOUT_PASSTHROUGH, SETATTR_PERMISSION, V1_KERNEL_OPEN, V1_CACHED_MIXING,
      DIR_PASSTHROUGH_GATE, PASSTHROUGH_KILL_MODE, ENTRY_BACKING_TYPE, PERMISSION_GETATTR);
}
