package io.isp.lock.config;

import java.util.List;

/**
 * Where the Sentinels are and how to talk to them. The master's own credentials and database stay
 * in {@link RedisConfig}: Sentinels and master may authenticate differently.
 */
public record SentinelConfig(List<String> addresses, String masterName, String username, String password) {

  public SentinelConfig {
    addresses = List.copyOf(addresses);
  }
}
