package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code fusesim review --patch N}: a 72-column reply with the questions and findings of the patch. */
class ReviewCommandTest {
  private static final String CORPUS = Path.of("..", "traces", "corpus").toString();

  record Run(int code, String out, String err) {}

  static Run review(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "review";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void replyToPatch13() {
    Run r = review("--patch", "13", "--corpus", CORPUS, "--runs", "20");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    String m = r.out();
    assertThat(m).startsWith("Subject: Re: [PATCH v2 13/21] fuse: add passthrough lookup\n")
        .contains("\n> fuse: add passthrough lookup\n")
        .contains("> fuse_lookup_name() (fs/fuse/dir.c)")
        .contains("Q1 (A4, attach-errno)")
        .contains("- fail-lookup (what the model assumes)")
        // the finding with its trace inline, and a pasteable command
        .contains("ino-rule-attr-ino-two-nodeids-share-backing: INO-MAP")
        .contains("     server lookup /c entry nodeid=99 ino=10 backing=1\n")
        .contains("$ ./fusesim replay \\\n");
    for (String line : m.split("\n")) {
      assertThat(line.length()).as("72 columns: %s", line).isLessThanOrEqualTo(72);
    }
    assertThat(review("--patch", "13", "--corpus", CORPUS, "--runs", "20").out()).isEqualTo(m);
  }

  @Test
  void badPatchNumber() {
    Run r = review("--patch", "22", "--corpus", CORPUS, "--runs", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("fusesim: --patch must be 1..21, got 22\n");
  }
}
