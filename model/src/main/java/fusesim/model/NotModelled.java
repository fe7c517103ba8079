package fusesim.model;

/** A request for behaviour the model does not cover yet; reported as such, never guessed. */
public final class NotModelled extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotModelled(String what) {
    super("not modelled: " + what);
  }
}
