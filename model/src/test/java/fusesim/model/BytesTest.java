package fusesim.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bytes.mismatch (run by run, skipping stretches in phase) against the byte-by-byte definition. */
class BytesTest {
  /** The definition: the first index where the bytes differ, the shorter length, or -1. */
  private static long naive(Bytes a, Bytes b) {
    long n = Math.min(a.length(), b.length());
    for (long i = 0; i < n; i++) {
      if (a.at(i) != b.at(i)) {
        return i;
      }
    }
    return a.length() == b.length() ? -1 : n;
  }

  /** A random composition of pattern, zero and literal pieces, sliced and concatenated. */
  private static Bytes random(SplittableRandom r) {
    Bytes out = Bytes.EMPTY;
    for (int k = r.nextInt(1, 5); k > 0; k--) {
      long len = r.nextInt(1, 60);
      Bytes piece = switch (r.nextInt(4)) {
        case 0 -> Bytes.lowerPattern(r.nextInt(0, 30), len);
        case 1 -> Bytes.written(r.nextInt(0, 30), len);
        case 2 -> Bytes.zeros(len);
        default -> Bytes.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\0\0\0".substring(0, (int) Math.min(len, 55)));
      };
      out = out.concat(piece);
    }
    long from = r.nextInt(0, 10);
    return out.slice(from, out.length());
  }

  @Test
  void agreesWithTheByteByByteDefinitionOnRandomCompositions() {
    SplittableRandom r = new SplittableRandom(13);
    int equal = 0;
    int differ = 0;
    for (int i = 0; i < 20_000; i++) {
      Bytes a = random(r);
      // half the time b is a's content rebuilt from other runs (a slice of a longer copy), so equal
      // content in different run layouts is exercised too
      Bytes b = r.nextBoolean() ? random(r) : a.slice(0, 7).concat(a.slice(7, a.length()));
      long want = naive(a, b);
      assertThat(a.mismatch(b)).as("%s vs %s", a, b).isEqualTo(want);
      assertThat(b.mismatch(a)).isEqualTo(naive(b, a));
      if (want < 0) {
        equal++;
      } else {
        differ++;
      }
    }
    assertThat(equal).isGreaterThan(1000);
    assertThat(differ).isGreaterThan(1000);
  }

  @Test
  void patternsOutOfPhaseDifferAtTheFirstByteAndInPhaseAreEqual() {
    assertThat(Bytes.written(0, 4096).mismatch(Bytes.written(26, 4096))).isEqualTo(-1);
    assertThat(Bytes.written(0, 4096).mismatch(Bytes.written(1, 4096))).isEqualTo(0);
    assertThat(Bytes.written(0, 10).mismatch(Bytes.written(0, 5).concat(Bytes.of("FGHIJ")))).isEqualTo(-1);
    assertThat(Bytes.written(0, 10).mismatch(Bytes.written(0, 5).concat(Bytes.of("FGHIX")))).isEqualTo(9);
    assertThat(Bytes.zeros(8).mismatch(Bytes.zeros(9))).isEqualTo(8);
    assertThat(Bytes.lowerPattern(0, 3).mismatch(Bytes.written(0, 3))).isEqualTo(0);
  }
}
