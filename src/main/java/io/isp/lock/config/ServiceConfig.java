package io.isp.lock.config;

/**
 * The whole, validated configuration of one process; {@code effective} is every key's value as the
 * start-up log line shows it (secrets masked).
 */
public record ServiceConfig(String logLevel, HttpConfig http, RedisConfig redis, LockLimits lock,
                            SessionConfig session, ClusterConfig cluster, DeployConfig deploy,
                            LogConfig log, ManagementConfig management, EffectiveConfig effective) {

  public ServiceConfig withRedis(RedisConfig newRedis) {
    return new ServiceConfig(logLevel, http, newRedis, lock, session, cluster, deploy,
      log, management, effective);
  }
}
