package io.isp.lock.config;

/** How the process logs besides its level ({@code logLevel}): {@code log.format} and {@code log.access}. */
public record LogConfig(Format format, boolean access) {

  /** {@code log.format}. */
  public enum Format {
    /** One line per record for people: time, level, logger, message, then any stack trace. */
    TEXT,
    /** One JSON object per line for log collectors; a stack trace is one string field. */
    JSON
  }
}
