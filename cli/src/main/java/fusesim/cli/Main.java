package fusesim.cli;

/** Entry point of the {@code fusesim} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("fusesim: not built yet");
  }
}
