package io.isp.lock.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Secrets from files: redis.passwordFile, redis.sentinel.passwordFile, http.tokensFile, http.adminTokensFile")
class SecretFilesTest {

  @TempDir
  Path dir;

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static JsonObject redis(JsonObject redis) {
    return new JsonObject().put("redis", redis.put("server", "h:1"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "trailing LF          | 's3cret\n'",
    "trailing CRLF        | 's3cret\r\n'",
    "several line breaks  | 's3cret\n\n'",
    "no line break        | 's3cret'"})
  @DisplayName("a password file: its trailing line breaks are dropped, nothing else")
  void passwordFile(String what, String content) throws Exception {
    Path password = file("pw", content.replace("\\n", "\n").replace("\\r", "\r"));
    ServiceConfig config = ConfigReader.read(redis(new JsonObject().put("passwordFile", password.toString())));
    assertThat(config.redis().password()).isEqualTo("s3cret");
  }

  @Test
  @DisplayName("spaces in and around a password are kept, as for redis.password")
  void spacesKept() throws Exception {
    Path password = file("pw", " pass word \n");
    assertThat(ConfigReader.read(redis(new JsonObject().put("passwordFile", password.toString()))).redis().password())
      .isEqualTo(" pass word ");
  }

  @Test
  @DisplayName("redis.sentinel.passwordFile fills the Sentinels' password, apart from the master's")
  void sentinelPasswordFile() throws Exception {
    Path master = file("master", "master-secret\n");
    Path sentinel = file("sentinel", "sentinel-secret\n");
    ServiceConfig config = ConfigReader.read(new JsonObject().put("redis", new JsonObject()
      .put("passwordFile", master.toString())
      .put("sentinel", new JsonObject().put("addresses", new JsonArray().add("s:26379")).put("masterName", "m")
        .put("passwordFile", sentinel.toString()))));
    assertThat(config.redis().password()).isEqualTo("master-secret");
    assertThat(config.redis().sentinel().orElseThrow().password()).isEqualTo("sentinel-secret");
  }

  @Test
  @DisplayName("a tokens file: one a line, trimmed; blank lines and # comments left out; a # inside a token kept")
  void tokensFiles() throws Exception {
    Path tokens = file("tokens", "# clients\r\n\r\nclient-one\r\n  client-two  \n\t# indented comment\nwith#hash\n");
    Path admin = file("admin", "admin-one\n");
    ServiceConfig config = ConfigReader.read(redis(new JsonObject()).put("http", new JsonObject()
      .put("tokensFile", tokens.toString()).put("adminTokensFile", admin.toString())));
    assertThat(config.http().tokens()).containsExactly("client-one", "client-two", "with#hash");
    assertThat(config.http().adminTokens()).containsExactly("admin-one");
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
    "redis.password,          redis.passwordFile",
    "redis.sentinel.password, redis.sentinel.passwordFile",
    "http.tokens,             http.tokensFile",
    "http.adminTokens,        http.adminTokensFile"})
  @DisplayName("a value and its file together are refused, naming both keys")
  void valueAndFile(String valueKey, String fileKey) throws Exception {
    Path secret = file("secret", "from-file\n");
    JsonObject json = sentinelMode();
    put(json, valueKey, "inline");
    put(json, fileKey, secret.toString());
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageContaining(valueKey + " and " + fileKey + " are both set")
      .hasMessageNotContaining("from-file").hasMessageNotContaining("inline");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"redis.passwordFile", "redis.sentinel.passwordFile", "http.tokensFile", "http.adminTokensFile"})
  @DisplayName("a missing file is refused, naming the key and the path")
  void missingFile(String fileKey) {
    JsonObject json = sentinelMode();
    String path = dir.resolve("absent").toString();
    put(json, fileKey, path);
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageStartingWith(fileKey + ": cannot read " + path + " (no such file)");
  }

  @Test
  @DisplayName("an edge node (deploy.lock: false) and --dev never use the Redis passwords: their files are not read")
  void redisSecretsUnreadWhereRedisIsUnused() {
    String absent = dir.resolve("absent").toString();
    JsonObject edge = sentinelMode().put("deploy", new JsonObject().put("lock", false))
      .put("cluster", new JsonObject().put("enabled", true));
    put(edge, "redis.passwordFile", absent);
    put(edge, "redis.sentinel.passwordFile", absent);
    assertThat(ConfigReader.read(edge).redis().password()).isEmpty();
    JsonObject dev = sentinelMode().copy();
    put(dev, "redis.embedded", true);
    put(dev, "redis.passwordFile", absent);
    assertThat(ConfigReader.read(dev).redis().password()).isEmpty();
  }

  @Test
  @DisplayName("a directory, an empty password file and a tokens file of comments only are refused")
  void unusableFiles() throws Exception {
    assertThatThrownBy(() -> ConfigReader.read(redis(new JsonObject().put("passwordFile", dir.toString()))))
      .hasMessageStartingWith("redis.passwordFile: cannot read " + dir + " (not a regular file)");
    Path empty = file("empty", "\n");
    assertThatThrownBy(() -> ConfigReader.read(redis(new JsonObject().put("passwordFile", empty.toString()))))
      .hasMessageStartingWith("redis.passwordFile: " + empty + " is empty");
    // an empty list would turn authentication off without a word
    Path comments = file("comments", "# nobody yet\n\n");
    assertThatThrownBy(() -> ConfigReader.read(redis(new JsonObject())
      .put("http", new JsonObject().put("tokensFile", comments.toString()))))
      .hasMessageStartingWith("http.tokensFile: " + comments + " holds no token");
  }

  @Test
  @DisplayName("the start-up line shows a *File key's path, and masks the secret read from it")
  void effectiveConfig() throws Exception {
    Path password = file("pw", "file-secret\n");
    Path tokens = file("tokens", "file-token\n");
    EffectiveConfig effective = ConfigReader.read(redis(new JsonObject().put("passwordFile", password.toString()))
      .put("http", new JsonObject().put("tokensFile", tokens.toString()))).effective();
    assertThat(effective.get("redis.passwordFile")).isEqualTo(password.toString());
    assertThat(effective.get("http.tokensFile")).isEqualTo(tokens.toString());
    assertThat(effective.describe()).doesNotContain("file-secret", "file-token");
  }

  /** Sentinel mode, so that the redis.sentinel.* keys are read too. */
  private static JsonObject sentinelMode() {
    return new JsonObject().put("redis", new JsonObject()
      .put("sentinel", new JsonObject().put("addresses", "s:26379").put("masterName", "m")));
  }

  private static void put(JsonObject json, String dottedKey, Object value) {
    String[] path = dottedKey.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < path.length - 1; i++) {
      if (node.getJsonObject(path[i]) == null) {
        node.put(path[i], new JsonObject());
      }
      node = node.getJsonObject(path[i]);
    }
    node.put(path[path.length - 1], value);
  }
}
