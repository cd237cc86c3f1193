package io.isp.lock.config;

/** The whole, validated configuration of one process. */
public record ServiceConfig(String logLevel, HttpConfig http, RedisConfig redis, LockLimits lock,
                            ClusterConfig cluster, DeployConfig deploy,
                            LogConfig log) {

  public ServiceConfig withRedis(RedisConfig newRedis) {
    return new ServiceConfig(logLevel, http, newRedis, lock, cluster, deploy,
      log);
  }
}
