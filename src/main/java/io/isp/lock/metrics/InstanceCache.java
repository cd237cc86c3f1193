package io.isp.lock.metrics;

import java.util.Arrays;

/**
 * Meters by a String key that a hot path passes as the very same instance each time: a route's
 * template from vertx-web, an event-bus address, an operation's name or a problem code (all
 * constants). Found by reference in one small array, a lookup touches neither the key's characters
 * nor a hash table's nodes; on a loaded service those are rarely still in the CPU's cache from the
 * previous request, and each miss there cost more than the meter's increment. A key of another
 * instance is its caller's to look up by equality (in its own map) and then {@link #remember};
 * at most {@link #CAPACITY} instances are remembered, so keys made anew for every call cannot
 * grow it, only fall through to the caller's map. Safe from any thread: the array is replaced
 * whole.
 */
final class InstanceCache<V> {

  static final int CAPACITY = 32;

  /** key, value, key, value, ... */
  private volatile Object[] entries = new Object[0];

  /** The value remembered for this very instance, or null. */
  @SuppressWarnings("unchecked")
  V get(String key) {
    Object[] pairs = entries;
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == key) {
        return (V) pairs[i + 1];
      }
    }
    return null;
  }

  /**
   * Remembers {@code value} for this instance of {@code key}, while there is room. Returns the value
   * remembered for it (another thread's, if it came first), else {@code value}.
   */
  synchronized V remember(String key, V value) {
    V known = get(key);
    if (known != null) {
      return known;
    }
    Object[] pairs = entries;
    if (pairs.length < 2 * CAPACITY) {
      Object[] grown = Arrays.copyOf(pairs, pairs.length + 2);
      grown[pairs.length] = key;
      grown[pairs.length + 1] = value;
      entries = grown;
    }
    return value;
  }
}
