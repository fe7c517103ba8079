package fusesim.kernel.proto;

/** {@code struct fuse_rename2_in} (16 bytes): newdir, flags (RENAME_NOREPLACE/EXCHANGE/WHITEOUT), padding. */
public record Rename2In(long newdir, int flags) {
    public static final int SIZE = 16;
}
