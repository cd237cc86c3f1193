package io.isp.lock.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.isp.lock.support.ServiceUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Configuration: YAML file < system properties < environment, validated")
class ConfigLoaderTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    System.clearProperty("http.port");
    System.clearProperty("redis.prefix");
    System.clearProperty("redis.password");
    System.clearProperty("redis.userName");
    System.clearProperty("http.tokens");
    await(vertx.close());
  }

  @Test
  @DisplayName("the shipped conf/config.yaml loads and holds the documented defaults")
  void shippedConfig() {
    ServiceConfig config = await(ConfigLoader.load(vertx, Path.of("conf/config.yaml")));
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().tokens()).isEmpty();
    assertThat(config.redis().server()).contains("localhost:6379");
    assertThat(config.redis().sentinel()).isEmpty();
    assertThat(config.redis().defaultTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.redis().commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.lock().maxKeyLength()).isEqualTo(1024);
    assertThat(config.lock().maxTtl()).isEqualTo(Duration.ofSeconds(86400));
    assertThat(config.lock().maxWaitTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.lock().defaultWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.redis().minReplicasToAck()).isZero();
    assertThat(config.redis().embedded()).isFalse();
    assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.http().maxConnections()).isEqualTo(HttpConfig.defaultMaxConnections(HttpConfig.fileDescriptorLimit()));
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(config.cluster().port()).isEqualTo(5701);
    assertThat(config.deploy()).isEqualTo(new DeployConfig(true, true,
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
  }

  @Test
  @DisplayName("deploy.eventLoops: 0 is one per two cores (at least one), a number is taken as is, a bad one names the key")
  void eventLoops() {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1"));
    assertThat(DeployConfig.defaultEventLoops(1)).isEqualTo(1);
    assertThat(DeployConfig.defaultEventLoops(2)).isEqualTo(1);
    assertThat(DeployConfig.defaultEventLoops(16)).isEqualTo(8);
    json.put("deploy", new JsonObject().put("eventLoops", "3"));
    assertThat(ConfigReader.read(json).deploy().eventLoops()).isEqualTo(3);
    json.put("deploy", new JsonObject().put("eventLoops", -1));
    assertThatThrownBy(() -> ConfigReader.read(json)).hasMessageStartingWith("deploy.eventLoops:");
    json.put("deploy", new JsonObject().put("eventLoops", "many"));
    assertThatThrownBy(() -> ConfigReader.read(json)).hasMessageStartingWith("deploy.eventLoops:");
  }

  @Test
  @DisplayName("http.maxConnections: 0 is 3/4 of the file-descriptor limit less 64, at least 16; a number is taken as is")
  void maxConnections() {
    assertThat(HttpConfig.defaultMaxConnections(20_000)).isEqualTo(14_936);
    assertThat(HttpConfig.defaultMaxConnections(1024)).isEqualTo(704);
    assertThat(HttpConfig.defaultMaxConnections(100)).isEqualTo(16);
    assertThat(HttpConfig.defaultMaxConnections(10_000)).isEqualTo(7_436);
    assertThat(HttpConfig.defaultMaxConnections(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    assertThat(HttpConfig.fileDescriptorLimit()).isPositive();

    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1"));
    assertThat(ConfigReader.read(json).http().maxConnections())
      .isEqualTo(HttpConfig.defaultMaxConnections(HttpConfig.fileDescriptorLimit()));
    json.put("http", new JsonObject().put("maxConnections", "500"));
    assertThat(ConfigReader.read(json).http().maxConnections()).isEqualTo(500);
    json.put("http", new JsonObject().put("maxConnections", -1));
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("http.maxConnections:");
  }

  @Test
  @DisplayName("http.idleTimeout is a duration > 0")
  void idleTimeout() {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1"))
      .put("http", new JsonObject().put("idleTimeout", "1m30s"));
    assertThat(ConfigReader.read(json).http().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    json.put("http", new JsonObject().put("idleTimeout", "0s"));
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("http.idleTimeout:");
  }

  @Test
  @DisplayName("redis.embedded: true needs neither redis.server nor redis.sentinel, and takes both without complaint")
  void embedded() {
    JsonObject neither = new JsonObject().put("redis", new JsonObject().put("embedded", true));
    assertThat(ConfigReader.read(neither).redis().embedded()).isTrue();
    JsonObject both = new JsonObject().put("redis", new JsonObject().put("embedded", "true").put("server", "h:1")
      .put("sentinel", new JsonObject().put("addresses", new JsonArray().add("s:26379")).put("masterName", "m")));
    assertThat(ConfigReader.read(both).redis().embedded()).isTrue();
    neither.getJsonObject("redis").put("embedded", false);
    assertThatThrownBy(() -> ConfigReader.read(neither)).hasMessageContaining("redis.server");
  }

  @Test
  @DisplayName("an edge node (deploy.lock false) needs clustering but no Redis; a node must play some role")
  void roles() {
    JsonObject edge = new JsonObject().put("deploy", new JsonObject().put("lock", false))
      .put("cluster", new JsonObject().put("enabled", true).put("members", "10.0.0.1:5701,10.0.0.2:5701"));
    ServiceConfig config = ConfigReader.read(edge);
    assertThat(config.redis().server()).isEmpty();
    assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");

    edge.getJsonObject("cluster").put("enabled", false);
    assertThatThrownBy(() -> ConfigReader.read(edge)).hasMessageContaining("cluster.enabled");
    JsonObject idle = new JsonObject().put("redis", new JsonObject().put("server", "h:1"))
      .put("deploy", new JsonObject().put("lock", false).put("http", false));
    assertThatThrownBy(() -> ConfigReader.read(idle)).hasMessageContaining("deploy.http");
  }

  @Test
  @DisplayName("system properties named by the dotted key override the file")
  void systemPropertiesOverride(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: a:1\n  prefix: from-file\nhttp:\n  port: 1\n");
    System.setProperty("http.port", "8081");
    System.setProperty("redis.prefix", "from-sysprop");
    ServiceConfig config = await(ConfigLoader.load(vertx, file));
    assertThat(config.http().port()).isEqualTo(8081);
    assertThat(config.redis().prefix()).isEqualTo("from-sysprop");
    assertThat(config.redis().server()).contains("a:1");
  }

  @Test
  @DisplayName("system properties keep their text: 007, 0123 and 1e5 are strings, not numbers")
  void systemPropertiesKeepTheirText(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: a:1\n");
    System.setProperty("redis.prefix", "007");
    System.setProperty("redis.password", "0123");
    System.setProperty("redis.userName", "1e5");
    System.setProperty("http.tokens", "0123,1e5");
    ServiceConfig config = await(ConfigLoader.load(vertx, file));
    assertThat(config.redis().prefix()).isEqualTo("007");
    assertThat(config.redis().password()).isEqualTo("0123");
    assertThat(config.redis().userName()).isEqualTo("1e5");
    assertThat(config.http().tokens()).containsExactly("0123", "1e5");
  }

  @Test
  @DisplayName("passwords keep their spaces: a secret is taken exactly as given")
  void passwordsAreNotTrimmed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "redis:\n  server: a:1\n");
    System.setProperty("redis.password", " pass word ");
    ServiceConfig config = await(ConfigLoader.load(vertx, file));
    assertThat(config.redis().password()).isEqualTo(" pass word ");
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("an unquoted YAML number or boolean where a string is expected is refused, naming the key")
  @CsvSource(delimiter = '|', value = {
    "redis:;  server: a:1;  prefix: 0123;|redis.prefix",
    "redis:;  server: a:1;  password: 1e5;|redis.password",
    "logLevel: off;redis:;  server: a:1;|logLevel",
    "redis:;  server: a:1;  userName: yes;|redis.userName",
    "http:;  tokens: [abc, 0123];redis:;  server: a:1;|http.tokens",
    "http:;  tokens: 0123;redis:;  server: a:1;|http.tokens",
    "cluster:;  members: [10:30];redis:;  server: a:1;|cluster.members",
    "redis:;  sentinel:;    addresses: [yes];    masterName: m;|redis.sentinel.addresses"})
  void unquotedYamlScalarsAreRefused(String yaml, String key, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), yaml.replace(";", "\n"));
    assertThatThrownBy(() -> await(ConfigLoader.load(vertx, file)))
      .isInstanceOf(ConfigException.class)
      .hasMessageStartingWith(key + ":")
      .hasMessageContaining("quote");
  }

  @Test
  @DisplayName("quoted YAML values keep their text (logLevel \"off\", prefix \"007\"), and so do unquoted dates")
  void quotedYamlValues(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "logLevel: \"off\"\nredis:\n  server: a:1\n  prefix: \"007\"\n"
      + "  password: '0123'\n  userName: 2024-01-01\nhttp:\n  tokens: [\"0123\"]\n");
    ServiceConfig config = await(ConfigLoader.load(vertx, file));
    assertThat(config.redis().userName()).isEqualTo("2024-01-01");
    assertThat(config.logLevel()).isEqualTo("off");
    assertThat(config.redis().prefix()).isEqualTo("007");
    assertThat(config.redis().password()).isEqualTo("0123");
    assertThat(config.http().tokens()).containsExactly("0123");
  }

  @Test
  @DisplayName("command-line overrides (--dev) win over system properties and the file")
  void overridesWin(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "redis:\n  embedded: false\n  server: a:1\n");
    System.setProperty("redis.embedded", "false");
    try {
      JsonObject dev = new JsonObject().put("redis", new JsonObject().put("embedded", true));
      ServiceConfig config = await(ConfigLoader.load(vertx, file, dev));
      assertThat(config.redis().embedded()).isTrue();
      assertThat(config.redis().server()).contains("a:1");
      assertThat(await(ConfigLoader.load(vertx, file)).redis().embedded()).isFalse();
    } finally {
      System.clearProperty("redis.embedded");
    }
  }

  @Test
  @DisplayName("environment variables (dots to underscores, upper case) land on their dotted keys")
  void environmentNames() {
    JsonObject merged = new JsonObject()
      .put("redis", new JsonObject().put("server", "file:1"))
      .put("REDIS_SERVER", "env:2")
      .put("REDIS_SENTINEL_MASTERNAME", "mymaster")
      .put("HTTP_TOKENS", "a,b");
    JsonObject folded = ConfigLoader.foldEnvironment(merged);
    assertThat(folded.getJsonObject("redis").getString("server")).isEqualTo("env:2");
    assertThat(folded.getJsonObject("redis").getJsonObject("sentinel").getString("masterName")).isEqualTo("mymaster");
    assertThat(ConfigReader.read(folded).http().tokens()).containsExactly("a", "b");
    assertThat(ConfigLoader.envName("redis.defaultTimeOut")).isEqualTo("REDIS_DEFAULTTIMEOUT");
  }

  @Test
  @DisplayName("exactly one of redis.server and redis.sentinel: both or neither is an error naming both keys")
  void serverXorSentinel() {
    JsonObject neither = new JsonObject();
    JsonObject both = new JsonObject().put("redis", new JsonObject().put("server", "h:1")
      .put("sentinel", new JsonObject().put("addresses", new JsonArray().add("s:26379")).put("masterName", "m")));
    for (JsonObject json : List.of(neither, both)) {
      assertThatThrownBy(() -> ConfigReader.read(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.server")
        .hasMessageContaining("redis.sentinel");
    }
  }

  @Test
  @DisplayName("exactly one of redis.server, redis.sentinel.addresses and redis.cluster.nodes: any two, or none, names all three")
  void oneTopology() {
    JsonObject cluster = new JsonObject().put("nodes", new JsonArray().add("c:7000"));
    JsonObject sentinel = new JsonObject().put("addresses", new JsonArray().add("s:26379")).put("masterName", "m");
    List<JsonObject> wrong = List.of(
      new JsonObject(),
      new JsonObject().put("redis", new JsonObject().put("server", "h:1").put("cluster", cluster.copy())),
      new JsonObject().put("redis", new JsonObject().put("sentinel", sentinel.copy()).put("cluster", cluster.copy())),
      new JsonObject().put("redis", new JsonObject().put("server", "h:1").put("sentinel", sentinel.copy()).put("cluster", cluster.copy())));
    for (JsonObject json : wrong) {
      assertThatThrownBy(() -> ConfigReader.read(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.server")
        .hasMessageContaining("redis.sentinel.addresses")
        .hasMessageContaining("redis.cluster.nodes");
    }
  }

  @Test
  @DisplayName("cluster mode: seed nodes as a list or comma-separated (as from REDIS_CLUSTER_NODES); credentials and TLS for every node")
  void clusterNodes() {
    JsonObject merged = new JsonObject().put("REDIS_CLUSTER_NODES", "c1:7000, c2:7001,c3:7002")
      .put("REDIS_PASSWORD", "pw").put("REDIS_USERNAME", "locks");
    RedisConfig redis = ConfigReader.read(ConfigLoader.foldEnvironment(merged)).redis();
    assertThat(redis.cluster()).isTrue();
    assertThat(redis.clusterNodes()).containsExactly("c1:7000", "c2:7001", "c3:7002");
    assertThat(redis.server()).isEmpty();
    assertThat(redis.sentinel()).isEmpty();
    assertThat(redis.password()).isEqualTo("pw");
    assertThat(redis.userName()).isEqualTo("locks");

    JsonObject list = new JsonObject().put("redis", new JsonObject()
      .put("cluster", new JsonObject().put("nodes", new JsonArray().add("c1:7000").add("rediss://c2:7001"))));
    RedisConfig tls = ConfigReader.read(list).redis();
    assertThat(tls.clusterNodes()).containsExactly("c1:7000", "rediss://c2:7001");
    assertThat(tls.tls().enabled()).as("a rediss:// seed turns TLS on, for every node").isTrue();

    assertThat(ConfigReader.read(new JsonObject().put("redis", new JsonObject().put("server", "h:1"))).redis().cluster())
      .isFalse();
  }

  @ParameterizedTest(name = "redis.db {0} with redis.cluster.nodes is refused")
  @ValueSource(ints = {1, 15})
  void clusterHasNoDb(int db) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("db", db)
      .put("cluster", new JsonObject().put("nodes", "c1:7000")));
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageContaining("redis.db").hasMessageContaining("redis.cluster.nodes");
    json.getJsonObject("redis").put("db", 0);
    assertThat(ConfigReader.read(json).redis().db()).isZero();
  }

  @ParameterizedTest(name = "prefix ''{0}'' is refused in cluster mode")
  @ValueSource(strings = {"a{b}", "{x", "y}"})
  void clusterPrefixWithoutBraces(String prefix) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("prefix", prefix)
      .put("cluster", new JsonObject().put("nodes", "c1:7000")));
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class)
      .hasMessageContaining("redis.prefix");
  }

  @Test
  @DisplayName("Sentinel mode takes comma-separated addresses and needs a master name")
  void sentinel() {
    JsonObject json = new JsonObject().put("redis", new JsonObject()
      .put("sentinel", new JsonObject().put("addresses", "s1:26379, s2:26379").put("masterName", "mymaster")));
    SentinelConfig sentinel = ConfigReader.read(json).redis().sentinel().orElseThrow();
    assertThat(sentinel.addresses()).containsExactly("s1:26379", "s2:26379");

    json.getJsonObject("redis").getJsonObject("sentinel").remove("masterName");
    assertThatThrownBy(() -> ConfigReader.read(json)).hasMessageContaining("redis.sentinel.masterName");
  }

  @ParameterizedTest(name = "defaultTimeOut {0} = {1} ms")
  @CsvSource({"30, 30000", "30s, 30000", "1.5, 1500", "250ms, 250", "2m, 120000", "1h, 3600000"})
  void durations(String value, long millis) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1").put("defaultTimeOut", value));
    assertThat(ConfigReader.read(json).redis().defaultTtl()).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "{0}: {1} is rejected")
  @CsvSource({"redis.defaultTimeOut, soon", "redis.defaultTimeOut, 0", "http.port, 70000", "redis.db, -1",
    "logLevel, loud", "lock.maxKeyLength, 0", "redis.commandTimeout, -1s"})
  void invalidValues(String key, String value) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1"));
    String[] path = key.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < path.length - 1; i++) {
      if (!node.containsKey(path[i])) {
        node.put(path[i], new JsonObject());
      }
      node = node.getJsonObject(path[i]);
    }
    node.put(path[path.length - 1], value);
    assertThatThrownBy(() -> ConfigReader.read(json)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
  }

  @ParameterizedTest(name = "prefix ''{0}'' is accepted")
  @ValueSource(strings = {"isp-lock-service", "team:locks", "a", "007", "a:b:c", "fenced", "x:fenc"})
  void prefixesAccepted(String prefix) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1").put("prefix", prefix));
    assertThat(ConfigReader.read(json).redis().prefix()).isEqualTo(prefix);
  }

  @ParameterizedTest(name = "prefix ''{0}'' is refused")
  @ValueSource(strings = {"P:", "a::b", "x:fence", "x:fencer", "", " ", "::", "a:", "x:fence:y", "a:::b"})
  void prefixesRefused(String prefix) {
    JsonObject json = new JsonObject().put("redis", new JsonObject().put("server", "h:1").put("prefix", prefix));
    assertThatThrownBy(() -> ConfigReader.read(json))
      .isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("redis.prefix:")
      .hasMessageContaining("must not end with ':'")
      .hasMessageContaining("'::'")
      .hasMessageContaining("':fence'");
  }

  @Test
  @DisplayName("a missing config file is an error naming the file")
  void missingFile() {
    assertThatThrownBy(() -> await(ConfigLoader.load(vertx, Path.of("no/such.yaml"))))
      .hasMessageContaining("no/such.yaml");
  }
}
