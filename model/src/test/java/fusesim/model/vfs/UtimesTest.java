package fusesim.model.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.model.fuse.Dir;
import org.junit.jupiter.api.Test;

/** vfs_utimes()'s iattr bits and nsec_valid() (fs/utimes.c), from the trace's times encoding. */
class UtimesTest {
  @Test
  void nullAndBothNowAreTouch() {
    int touch = Dir.ATTR_CTIME | Dir.ATTR_MTIME | Dir.ATTR_ATIME | Dir.ATTR_TOUCH;
    assertThat(Utimes.iaValid(Utimes.parse("null"))).isEqualTo(touch);
    assertThat(Utimes.iaValid(Utimes.parse("now,now"))).isEqualTo(touch);
  }

  @Test
  void omitDropsATimeAndAGivenTimeIsSet() {
    assertThat(Utimes.iaValid(Utimes.parse("omit,now")))
        .isEqualTo(Dir.ATTR_CTIME | Dir.ATTR_MTIME | Dir.ATTR_TIMES_SET);
    assertThat(Utimes.iaValid(Utimes.parse("5:0,omit")))
        .isEqualTo(Dir.ATTR_CTIME | Dir.ATTR_ATIME | Dir.ATTR_ATIME_SET | Dir.ATTR_TIMES_SET);
    assertThat(Utimes.iaValid(Utimes.parse("now,7:9")) & Dir.ATTR_TOUCH).isZero();
  }

  @Test
  void nsecValidAcceptsTheTwoMarkersAndOneSecondOfNanoseconds() {
    assertThat(Utimes.nsecValid(Utimes.UTIME_NOW)).isTrue();
    assertThat(Utimes.nsecValid(Utimes.UTIME_OMIT)).isTrue();
    assertThat(Utimes.nsecValid(0)).isTrue();
    assertThat(Utimes.nsecValid(999_999_999L)).isTrue();
    assertThat(Utimes.nsecValid(1_000_000_000L)).isFalse();
    assertThat(Utimes.nsecValid(-1)).isFalse();
  }

  @Test
  void aMalformedEncodingIsRefused() {
    assertThatThrownBy(() -> Utimes.parse("now")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Utimes.parse("now,later")).isInstanceOf(IllegalArgumentException.class);
  }
}
