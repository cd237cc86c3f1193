package io.isp.lock.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The lock command's command line")
class CliArgumentsTest {

  private static CliArguments parse(Map<String, String> env, String... args) throws Exception {
    return CliArguments.parse(args, env);
  }

  @Test
  @DisplayName("defaults: ISP_LOCK_URL / ISP_LOCK_TOKEN, else 127.0.0.1:8080 and no token; ttl 30, wait 0, grace 10")
  void defaults() throws Exception {
    CliArguments plain = parse(Map.of(), "k", "--", "echo", "hi");
    assertThat(plain.url().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(plain.token()).isEmpty();
    assertThat(plain.ttlSeconds()).isEqualTo(30);
    assertThat(plain.waitSeconds()).isZero();
    assertThat(plain.graceSeconds()).isEqualTo(10);
    assertThat(plain.key()).isEqualTo("k");
    assertThat(plain.command()).containsExactly("echo", "hi");

    CliArguments fromEnv = parse(Map.of("ISP_LOCK_URL", "https://locks.example:8443/gw/", "ISP_LOCK_TOKEN", "t"), "k", "true");
    assertThat(fromEnv.tls()).isTrue();
    assertThat(fromEnv.port()).isEqualTo(8443);
    assertThat(fromEnv.sessionPath()).isEqualTo("/gw/api/isp-lock-service/session");
    assertThat(fromEnv.token()).isEqualTo("t");
    assertThat(fromEnv.command()).containsExactly("true");
  }

  @Test
  @DisplayName("options override the environment, in both --opt value and --opt=value forms; arguments after KEY -- are COMMAND's")
  void options() throws Exception {
    CliArguments args = parse(Map.of("ISP_LOCK_URL", "http://a:1", "ISP_LOCK_TOKEN", "env"),
      "--url=https://b", "--token", "cli", "--ttl", "2.5", "--wait=60", "--grace", "0", "key with spaces", "--",
      "sh", "-c", "exit 3", "--ttl", "--");
    assertThat(args.url().getHost()).isEqualTo("b");
    assertThat(args.port()).isEqualTo(443);
    assertThat(args.token()).isEqualTo("cli");
    assertThat(args.ttlSeconds()).isEqualTo(2.5);
    assertThat(args.waitSeconds()).isEqualTo(60);
    assertThat(args.graceSeconds()).isZero();
    assertThat(args.key()).isEqualTo("key with spaces");
    assertThat(args.command()).isEqualTo(List.of("sh", "-c", "exit 3", "--ttl", "--"));
    assertThat(args.sessionPath()).isEqualTo("/api/isp-lock-service/session");
  }

  @Test
  @DisplayName("bad command lines name what is wrong")
  void usageErrors() {
    assertThatThrownBy(() -> parse(Map.of())).hasMessageContaining("KEY is missing");
    assertThatThrownBy(() -> parse(Map.of(), "k")).hasMessageContaining("COMMAND is missing");
    assertThatThrownBy(() -> parse(Map.of(), "k", "--")).hasMessageContaining("COMMAND is missing");
    assertThatThrownBy(() -> parse(Map.of(), "--ttl", "0", "k", "true")).hasMessageContaining("--ttl must be more than 0");
    assertThatThrownBy(() -> parse(Map.of(), "--wait", "-1", "k", "true")).hasMessageContaining("--wait must be 0 or more");
    assertThatThrownBy(() -> parse(Map.of(), "--wait", "NaN", "k", "true")).hasMessageContaining("--wait");
    assertThatThrownBy(() -> parse(Map.of(), "--ttl", "ten", "k", "true")).hasMessageContaining("--ttl takes seconds");
    assertThatThrownBy(() -> parse(Map.of(), "--ttl")).hasMessageContaining("--ttl needs a value");
    assertThatThrownBy(() -> parse(Map.of(), "-x", "k", "true")).hasMessageContaining("unknown option -x");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "ftp://h", "k", "true")).hasMessageContaining("--url must be");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "localhost:8080", "k", "true")).hasMessageContaining("--url must be");
    assertThatThrownBy(() -> parse(Map.of(), "--help")).isInstanceOf(CliArguments.HelpRequested.class);
  }
}
