package io.isp.lock.support;

import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts an RFC 9457 problem response with the given status and code. */
public final class ProblemAssert {

  private ProblemAssert() {
  }

  public static void assertProblem(HttpResult result, int status, String code) {
    assertThat(result.status()).as(result.toString()).isEqualTo(status);
    assertThat(result.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = result.json();
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).endsWith(code);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }
}
