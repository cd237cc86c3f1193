package io.isp.lock.api;

/**
 * How a lock is held: {@link #WRITE} (the default, the mutex every earlier release had: one holder)
 * or {@link #READ} (any number of readers together, none while a writer holds or waits).
 */
public enum LockMode {
  READ("read"),
  WRITE("write");

  private final String text;

  LockMode(String text) {
    this.text = text;
  }

  /** The word of the {@code mode} field. */
  public String text() {
    return text;
  }

  /** The mode a {@code mode} field names; null for a word that names none. */
  public static LockMode of(String text) {
    for (LockMode mode : values()) {
      if (mode.text.equals(text)) {
        return mode;
      }
    }
    return null;
  }
}
