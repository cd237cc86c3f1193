package io.isp.lock.config;

/** An invalid or inconsistent configuration; the message names the offending key(s). */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
