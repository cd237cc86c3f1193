package io.isp.lock.config;

/** The whole, validated configuration of one process. */
public record ServiceConfig(String logLevel, HttpConfig http, RedisConfig redis, LockLimits lock,
                            ClusterConfig cluster, DeployConfig deploy) {
}
