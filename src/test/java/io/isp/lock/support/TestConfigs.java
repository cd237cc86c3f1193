package io.isp.lock.support;

import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** Configurations for tests that deploy verticles into a Vert.x of their own. */
public final class TestConfigs {

  private TestConfigs() {
  }

  /** A lock node on the shared Redis, with a fresh key prefix (no HTTP port is opened by a LockVerticle). */
  public static ServiceConfig lockNode() {
    return ConfigReader.read(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("redis", new JsonObject().put("server", RedisFixture.shared().server()).put("prefix", "test-" + UUID.randomUUID())));
  }
}
