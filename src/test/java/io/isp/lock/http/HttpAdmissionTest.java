package io.isp.lock.http;

import io.isp.lock.config.HttpConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HttpAdmission: up to the cap admitted, then a bounded allowance answered 503, then closed at once")
class HttpAdmissionTest {

  private static HttpAdmission withCap(int maxConnections) {
    return HttpAdmission.create(new HttpConfig("127.0.0.1", 0, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
      maxConnections, List.of(), java.util.Optional.empty()));
  }

  @Test
  void tiers() {
    HttpAdmission admission = withCap(40);
    for (int i = 0; i < 40; i++) {
      assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.ADMIT);
    }
    // a quarter of the cap (at least 8) over it may still be told why
    for (int i = 0; i < 10; i++) {
      assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.OVER_LIMIT);
    }
    assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.REFUSE);
    assertThat(admission.openConnections()).isEqualTo(51);

    for (int i = 0; i < 11; i++) {
      admission.disconnected();
    }
    assertThat(admission.connected()).as("a freed place is taken again").isEqualTo(HttpAdmission.Verdict.OVER_LIMIT);
    admission.disconnected();
    admission.disconnected();
    assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.ADMIT);
  }

  @Test
  void smallCapStillTellsEightWhy() {
    HttpAdmission admission = withCap(1);
    assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.ADMIT);
    for (int i = 0; i < 8; i++) {
      assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.OVER_LIMIT);
    }
    assertThat(admission.connected()).isEqualTo(HttpAdmission.Verdict.REFUSE);
  }

  @Test
  void drain() {
    HttpAdmission admission = withCap(1);
    assertThat(admission.draining()).isFalse();
    admission.drain();
    assertThat(admission.draining()).isTrue();
  }
}
