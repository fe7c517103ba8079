package fusesim.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shrinker on toy predicates, where the minimal answer is known. */
class ShrinkerTest {
  /** Fails when a 3 comes before a 7 somewhere. */
  private static final Function<List<Integer>, List<Integer>> THREE_THEN_SEVEN = xs -> {
    int i = xs.indexOf(3);
    return i >= 0 && xs.subList(i, xs.size()).contains(7) ? xs : null;
  };

  private static List<Integer> noisy(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      xs.add(r.nextInt(10));
    }
    xs.add(0, 3);
    xs.add(7);
    return xs;
  }

  @Test
  void shrinksToTheTwoElementsThatMatter() {
    Shrinker.Result<Integer> r = Shrinker.minimise(noisy(1, 200), THREE_THEN_SEVEN, 10_000);
    assertThat(r.items()).containsExactly(3, 7);
    assertThat(r.stats().before()).isEqualTo(202);
    assertThat(r.stats().after()).isEqualTo(2);
    assertThat(r.stats().complete()).isTrue();
  }

  @Test
  void resultIsOneMinimalForAPredicateWithSeveralMinima() {
    // fails when the sum is at least 20: many 1-minimal answers, none with a removable element
    Function<List<Integer>, List<Integer>> sum20 = xs -> xs.stream().mapToInt(i -> i).sum() >= 20 ? xs : null;
    Shrinker.Result<Integer> r = Shrinker.minimise(noisy(2, 100), sum20, 10_000);
    int sum = r.items().stream().mapToInt(i -> i).sum();
    assertThat(sum).isGreaterThanOrEqualTo(20);
    for (int x : r.items()) {
      assertThat(sum - x).as("removing %d", x).isLessThan(20);
    }
  }

  @Test
  void isDeterministic() {
    Shrinker.Result<Integer> a = Shrinker.minimise(noisy(3, 300), THREE_THEN_SEVEN, 10_000);
    Shrinker.Result<Integer> b = Shrinker.minimise(noisy(3, 300), THREE_THEN_SEVEN, 10_000);
    assertThat(a.items()).isEqualTo(b.items());
    assertThat(a.stats().attempts()).isEqualTo(b.stats().attempts());
  }

  @Test
  void keepsToItsAttemptBoundAndSaysSo() {
    Shrinker.Result<Integer> r = Shrinker.minimise(noisy(4, 500), THREE_THEN_SEVEN, 5);
    assertThat(r.stats().attempts()).isLessThanOrEqualTo(5);
    assertThat(r.stats().complete()).isFalse();
    assertThat(THREE_THEN_SEVEN.apply(r.items())).isNotNull();
  }

  @Test
  void simplifiesElementsAfterRemoval() {
    // fails when some element is at least 5; simpler forms of x are x-1 .. 0
    Function<List<Integer>, List<Integer>> big = xs -> xs.stream().anyMatch(i -> i >= 5) ? xs : null;
    Function<Integer, List<Integer>> smaller = x -> x > 0 ? List.of(0, x - 1) : List.of();
    Shrinker.Result<Integer> r = new Shrinker<>(big, smaller, xs -> List.of(), 10_000, 60_000)
        .shrink(List.of(1, 9, 2, 8));
    assertThat(r.items()).containsExactly(5);
  }
}
