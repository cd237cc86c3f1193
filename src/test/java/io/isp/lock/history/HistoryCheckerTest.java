package io.isp.lock.history;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HistoryChecker finds overlapping holders and fencing tokens that go backwards")
class HistoryCheckerTest {

  private static Acquisition held(String client, String key, long token, long from, long to) {
    return new Acquisition(client, key, token, from, to, "released");
  }

  @Test
  @DisplayName("holders one after another, touching ends included, on several keys: valid")
  void sequentialHistoryIsValid() {
    HistoryChecker.Report report = HistoryChecker.check(List.of(
      held("a", "k", 1, 0, 100), held("b", "k", 2, 100, 200), held("a", "k", 5, 250, 300),
      held("c", "other", 3, 50, 150), held("d", "other", 4, 150, 400)));

    assertThat(report.valid()).as("%s", report).isTrue();
    assertThat(report.acquisitions()).isEqualTo(5);
    assertThat(report.keys()).isEqualTo(2);
  }

  @Test
  @DisplayName("a planted overlap is found, with how long it lasted and that the fencing tokens told the holders apart")
  void plantedOverlapToldApart() {
    HistoryChecker.Report report = HistoryChecker.check(List.of(
      held("a", "k", 1, 0, 100), held("b", "k", 2, 90, 200), held("c", "k", 3, 200, 300)));

    assertThat(report.overlaps()).hasSize(1);
    HistoryChecker.Overlap overlap = report.overlaps().get(0);
    assertThat(overlap.earlier().client()).isEqualTo("a");
    assertThat(overlap.later().client()).isEqualTo("b");
    assertThat(overlap.overlapMicros()).isEqualTo(10);
    assertThat(overlap.toldApart()).isTrue();
    assertThat(report.backwards()).isEmpty();
    assertThat(report.toString()).contains("1 overlaps (1 told apart by fencing tokens)");
  }

  @Test
  @DisplayName("an overlap whose later holder got a smaller token is not told apart, and the token went backwards")
  void plantedOverlapNotToldApart() {
    HistoryChecker.Report report = HistoryChecker.check(List.of(held("a", "k", 7, 0, 100), held("b", "k", 6, 50, 60)));

    assertThat(report.overlaps()).singleElement().satisfies(overlap -> {
      assertThat(overlap.toldApart()).isFalse();
      assertThat(overlap.overlapMicros()).isEqualTo(10);
    });
    assertThat(report.backwards()).hasSize(1);
    assertThat(report.valid()).isFalse();
  }

  @Test
  @DisplayName("a planted backwards token, without any overlap, is found")
  void plantedBackwardsToken() {
    HistoryChecker.Report report = HistoryChecker.check(List.of(
      held("a", "k", 10, 0, 100), held("b", "k", 11, 100, 200), held("c", "k", 11, 300, 400), held("d", "k", 12, 400, 500)));

    assertThat(report.overlaps()).isEmpty();
    assertThat(report.backwards()).singleElement().satisfies(backward -> {
      assertThat(backward.earlier().client()).isEqualTo("b");
      assertThat(backward.later().client()).isEqualTo("c");
    });
  }

  @Test
  @DisplayName("a holder overlapping two later ones is reported twice; one that never held (TTL out before the grant came) never")
  void everyOverlapReported() {
    HistoryChecker.Report report = HistoryChecker.check(List.of(
      held("long", "k", 1, 0, 1000), held("b", "k", 2, 100, 200), held("c", "k", 3, 300, 400),
      new Acquisition("late", "k", 4, 2000, 1500, "not_held")));

    assertThat(report.overlaps()).extracting(overlap -> overlap.later().client()).containsExactly("b", "c");
    assertThat(report.backwards()).isEmpty();
  }

  @Test
  @DisplayName("a client counts on its lock until its unlock or its TTL from the request, whichever comes first")
  void heldUntil() {
    assertThat(Acquisition.heldUntil(1_000, 2, 2_500)).isEqualTo(2_500);
    assertThat(Acquisition.heldUntil(1_000, 2, 9_000)).isEqualTo(3_000);
  }

  @Test
  @DisplayName("a history line keeps keys with tabs, newlines and Unicode intact")
  void lineRoundTrip() {
    Acquisition acquisition = new Acquisition("client-1", "a\tb\nc \uD83D\uDD12", 42, 1, 2, "not_held");
    assertThat(Acquisition.fromLine(acquisition.toLine())).isEqualTo(acquisition);
    assertThat(acquisition.toLine()).doesNotContain("\n").hasLineCount(1);
  }
}
