package fusesim.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Linux errno values (x86_64, include/uapi/asm-generic/errno-base.h and errno.h): every name with
 * its number, the one errno type of fusesim. The model returns errors as these values, never as
 * exceptions: a syscall result is either a non-negative value or {@code -errno}, as in the kernel.
 * The trace language parses its names ({@link #parse}: either case, and the aliases EWOULDBLOCK,
 * EDEADLOCK and ENOTSUP), and the real-kernel oracle names libc's errno with {@link #nameOf}.
 */
public enum Errno {
  EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), ENOEXEC(8), EBADF(9),
  ECHILD(10), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), ENOTBLK(15), EBUSY(16), EEXIST(17),
  EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22), ENFILE(23), EMFILE(24), ENOTTY(25),
  ETXTBSY(26), EFBIG(27), ENOSPC(28), ESPIPE(29), EROFS(30), EMLINK(31), EPIPE(32), EDOM(33),
  ERANGE(34), EDEADLK(35), ENAMETOOLONG(36), ENOLCK(37), ENOSYS(38), ENOTEMPTY(39), ELOOP(40),
  ENOMSG(42), EIDRM(43), ECHRNG(44), EL2NSYNC(45), EL3HLT(46), EL3RST(47), ELNRNG(48), EUNATCH(49),
  ENOCSI(50), EL2HLT(51), EBADE(52), EBADR(53), EXFULL(54), ENOANO(55), EBADRQC(56), EBADSLT(57),
  EBFONT(59), ENOSTR(60), ENODATA(61), ETIME(62), ENOSR(63), ENONET(64), ENOPKG(65), EREMOTE(66),
  ENOLINK(67), EADV(68), ESRMNT(69), ECOMM(70), EPROTO(71), EMULTIHOP(72), EDOTDOT(73), EBADMSG(74),
  EOVERFLOW(75), ENOTUNIQ(76), EBADFD(77), EREMCHG(78), ELIBACC(79), ELIBBAD(80), ELIBSCN(81),
  ELIBMAX(82), ELIBEXEC(83), EILSEQ(84), ERESTART(85), ESTRPIPE(86), EUSERS(87), ENOTSOCK(88),
  EDESTADDRREQ(89), EMSGSIZE(90), EPROTOTYPE(91), ENOPROTOOPT(92), EPROTONOSUPPORT(93),
  ESOCKTNOSUPPORT(94), EOPNOTSUPP(95), EPFNOSUPPORT(96), EAFNOSUPPORT(97), EADDRINUSE(98),
  EADDRNOTAVAIL(99), ENETDOWN(100), ENETUNREACH(101), ENETRESET(102), ECONNABORTED(103),
  ECONNRESET(104), ENOBUFS(105), EISCONN(106), ENOTCONN(107), ESHUTDOWN(108), ETOOMANYREFS(109),
  ETIMEDOUT(110), ECONNREFUSED(111), EHOSTDOWN(112), EHOSTUNREACH(113), EALREADY(114),
  EINPROGRESS(115), ESTALE(116), EUCLEAN(117), ENOTNAM(118), ENAVAIL(119), EISNAM(120),
  EREMOTEIO(121), EDQUOT(122), ENOMEDIUM(123), EMEDIUMTYPE(124), ECANCELED(125), ENOKEY(126),
  EKEYEXPIRED(127), EKEYREVOKED(128), EKEYREJECTED(129), EOWNERDEAD(130), ENOTRECOVERABLE(131),
  ERFKILL(132), EHWPOISON(133);

  private static final Map<String, Errno> BY_NAME = new HashMap<>();

  static {
    for (Errno e : values()) {
      BY_NAME.put(e.name(), e);
    }
    BY_NAME.put("EWOULDBLOCK", EAGAIN);
    BY_NAME.put("EDEADLOCK", EDEADLK);
    BY_NAME.put("ENOTSUP", EOPNOTSUPP);
  }

  public final int value;

  Errno(int value) {
    this.value = value;
  }

  /** The positive errno number (the kernel returns its negation); the same as {@link #value}. */
  public int number() {
    return value;
  }

  /** The errno for a positive value, or null if Linux has none. */
  public static Errno of(int value) {
    for (Errno e : values()) {
      if (e.value == value) {
        return e;
      }
    }
    return null;
  }

  /** The errno with this number; empty if Linux has none. */
  public static Optional<Errno> ofNumber(int number) {
    return Optional.ofNullable(of(number));
  }

  /** The errno named {@code name} (any case, no alias), or null. */
  public static Errno named(String name) {
    for (Errno e : values()) {
      if (e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    return null;
  }

  /** The errno spelled {@code name} in either case, or an alias; empty if there is none. */
  public static Optional<Errno> parse(String name) {
    return Optional.ofNullable(BY_NAME.get(name.toUpperCase(Locale.ROOT)));
  }

  /** "EIO" for -5 or 5; "E" and the number itself if unknown. */
  public static String nameOf(int negOrPos) {
    Errno e = of(Math.abs(negOrPos));
    return e == null ? "E" + Math.abs(negOrPos) : e.name();
  }
}
