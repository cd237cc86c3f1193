package io.isp.lock.engine;

import io.isp.lock.api.LockException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@link KeyQueue}s of one kind of waiter, by key: what {@link WaitQueues} and
 * {@link SemaphoreQueues} keep alike. A queue exists while a waiter waits on its key or a call for
 * it is in flight, and goes once idle. One event loop.
 */
final class KeyQueues<W extends KeyQueue.Queued> {

  private final Timers timers;
  private final Map<String, KeyQueue<W>> queues = new HashMap<>();

  KeyQueues(Timers timers) {
    this.timers = timers;
  }

  /** The queue of {@code key}, made if there is none. */
  KeyQueue<W> of(String key) {
    return queues.computeIfAbsent(key, k -> new KeyQueue<>(k, timers));
  }

  /** The queue of {@code key}, or null when nobody waits on it. */
  KeyQueue<W> get(String key) {
    return queues.get(key);
  }

  boolean isEmpty() {
    return queues.isEmpty();
  }

  /** Keys with a queue. */
  int size() {
    return queues.size();
  }

  /** A copy of the queues whose keys {@code keys} accepts: what runs on them may drop queues. */
  List<KeyQueue<W>> matching(Predicate<String> keys) {
    return queues.values().stream().filter(queue -> keys.test(queue.key())).toList();
  }

  /** Calls blocked now. */
  int waiting() {
    return queues.values().stream().mapToInt(KeyQueue::size).sum();
  }

  /** Calls blocked now, per key. */
  Map<String, Integer> waitingByKey() {
    Map<String, Integer> counts = new HashMap<>();
    queues.forEach((key, queue) -> {
      if (queue.size() > 0) {
        counts.put(key, queue.size());
      }
    });
    return counts;
  }

  /** Answers a waiter that stops waiting, and drops its queue if nothing is left in it. */
  void giveUp(KeyQueue<W> queue, W waiter, LockException why) {
    waiter.fail(why);
    if (queue != null) {
      queue.remove(waiter);
      if (queue.idle()) {
        drop(queue);
      }
    }
  }

  void drop(KeyQueue<W> queue) {
    queue.cancelRecheck();
    queues.remove(queue.key(), queue);
  }

  /** Answers every waiter with {@code why} and forgets every queue. */
  void failAll(LockException why) {
    queues.values().forEach(queue -> queue.failAll(why));
    queues.clear();
  }
}
