package io.isp.lock.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Durations: seconds, or Go's time.ParseDuration syntax")
class DurationsTest {

  @ParameterizedTest(name = "''{0}'' = {1} ns")
  @CsvSource({
    "30, 30000000000", "0.5, 500000000", "0, 0", "1.5, 1500000000", ".25, 250000000",
    "250ms, 250000000", "30s, 30000000000", "5m, 300000000000", "1h, 3600000000000", "30 s, 30000000000",
    "1m30s, 90000000000", "1h2m3.5s, 3723500000000", "2h45m, 9900000000000", "1.5h, 5400000000000",
    "1ns, 1", "1us, 1000", "1\u00b5s, 1000", "1\u03bcs, 1000", "1.5ms, 1500000", ".5s, 500000000", "5.s, 5000000000",
    "+5s, 5000000000", "1s1s, 2000000000", "1h0.5m, 3630000000000", "1.0000000005s, 1000000000",
    "0s, 0", "2562047h47m16.854775807s, 9223372036854775807"})
  void accepted(String text, long nanos) {
    assertThat(Durations.parse("k", text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @Test
  @DisplayName("YAML numbers are seconds")
  void numbers() {
    assertThat(Durations.parse("k", 30)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("k", 0.1)).isEqualTo(Duration.ofMillis(100));
    assertThat(Durations.parse("k", 3_000_000_000L)).isEqualTo(Duration.ofSeconds(3_000_000_000L));
  }

  @ParameterizedTest(name = "''{0}'' is negative")
  @ValueSource(strings = {"-1s", "-5", "-1m30s", "-0.5", "-1ns"})
  void negativeRefused(String text) {
    assertThatThrownBy(() -> Durations.parse("redis.commandTimeout", text))
      .isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("redis.commandTimeout: ")
      .hasMessageContaining("negative");
  }

  @Test
  @DisplayName("a negative YAML number is refused too")
  void negativeNumber() {
    assertThatThrownBy(() -> Durations.parse("lock.maxTtl", -2))
      .isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("lock.maxTtl: ")
      .hasMessageContaining("negative");
  }

  @ParameterizedTest(name = "''{0}'' is not a duration")
  @ValueSource(strings = {"soon", "1x", "s", ".s", "1.5.5s", "", " ", "1m30", "1e5s", "1e5", "ms", "1d", "1S", "1 m 3",
    "2562047h47m16.854775808s", "99999999999h", "NaN", "Infinity", "--1s", "+-1s", "1h-1m", "."})
  void refused(String text) {
    assertThatThrownBy(() -> Durations.parse("http.idleTimeout", text))
      .isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("http.idleTimeout: '" + text + "' ");
  }

  @Test
  @DisplayName("NaN and infinite YAML numbers are refused")
  void nonFiniteNumbers() {
    assertThatThrownBy(() -> Durations.parse("k", Double.NaN)).isInstanceOf(ConfigException.class).hasMessageStartingWith("k: ");
    assertThatThrownBy(() -> Durations.parse("k", Double.POSITIVE_INFINITY)).isInstanceOf(ConfigException.class);
  }
}
