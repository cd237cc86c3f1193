package io.isp.lock.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The start-up line's effective configuration: every declared key, secrets masked")
class EffectiveConfigTest {

  private static final JsonObject WITH_SECRETS = new JsonObject()
    .put("http", new JsonObject().put("tokens", new JsonArray().add("tok-one").add("tok-two")))
    .put("redis", new JsonObject().put("server", "redis://app:uri-secret@h:6379").put("password", " pass word ")
      .put("sentinel", new JsonObject().put("password", "sentinel-secret")));

  @Test
  @DisplayName("every key of ConfigKey.all(), in declaration order, defaults filled in, in the syntax the keys accept")
  void everyKey() {
    EffectiveConfig effective = ConfigReader.read(new JsonObject().put("redis", new JsonObject().put("server", "h:1")))
      .effective();
    assertThat(effective.values().keySet()).containsExactlyElementsOf(ConfigKey.all().stream().map(ConfigKey::name).toList());
    assertThat(effective.get("logLevel")).isEqualTo("info");
    assertThat(effective.get("log.format")).isEqualTo("text");
    assertThat(effective.get("log.access")).isEqualTo("false");
    assertThat(effective.get("http.port")).isEqualTo("8080");
    assertThat(effective.get("http.idleTimeout")).isEqualTo("30s");
    assertThat(effective.get("redis.replicaAckTimeout")).isEqualTo("500ms");
    assertThat(effective.get("redis.server")).isEqualTo("h:1");
    assertThat(effective.get("redis.sentinel.addresses")).isEmpty();
    // unset secrets show as unset: that is worth knowing and gives nothing away
    assertThat(effective.get("redis.password")).isEmpty();
    assertThat(effective.get("http.tokens")).isEmpty();
    assertThat(effective.describe()).startsWith("logLevel=info, log.format=text, log.access=false, http.host=0.0.0.0, ");
  }

  @Test
  @DisplayName("passwords, tokens and a URI's password are masked; nothing secret is left in the line")
  void masked() {
    EffectiveConfig effective = ConfigReader.read(WITH_SECRETS).effective();
    assertThat(effective.get("redis.password")).isEqualTo(EffectiveConfig.MASK);
    assertThat(effective.get("redis.sentinel.password")).isEqualTo(EffectiveConfig.MASK);
    assertThat(effective.get("http.tokens")).isEqualTo(EffectiveConfig.MASK);
    assertThat(effective.get("redis.server")).isEqualTo("redis://app:****@h:6379");
    assertThat(effective.describe()).doesNotContain("tok-one", "tok-two", "pass word", "sentinel-secret", "uri-secret");
  }

  @ParameterizedTest(name = "{0} = {1} shows as {2}")
  @CsvSource(delimiter = '|', value = {
    "admin.tokens       | a,b                       | ****",
    "admin.apiToken     | x                         | ****",
    "db.PASSWORD        | x                         | ****",
    "admin.tokens       | ''                        | ''",
    "redis.passwordFile | /run/secrets/pw           | /run/secrets/pw",
    "http.tokensFile    | /run/secrets/tokens       | /run/secrets/tokens",
    "redis.server       | redis://:pw@h:1/0         | redis://:****@h:1/0",
    "redis.server       | rediss://u:p%40ss@h:1     | rediss://u:****@h:1",
    "redis.server       | redis://u:pa/ss@h:1       | redis://u:****@h:1",
    "redis.server       | redis://u@h:1             | redis://u@h:1",
    "cluster.members    | a:5701,b:5701             | a:5701,b:5701",
    "redis.prefix       | a:b@c                     | a:b@c"})
  @DisplayName("any key whose name has password or token, in any case (keys added later too), but a *File key's path shows; URI user info")
  void rules(String key, String value, String shown) {
    assertThat(EffectiveConfig.show(key, value)).isEqualTo(shown);
  }
}
