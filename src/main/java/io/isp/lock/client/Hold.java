package io.isp.lock.client;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * One grant of a lock, from lock to unlock (or loss): what the immutable {@link Lock} values that
 * {@link Lock#extend} returns share (or the {@link MultiLock} values of a lock on several keys). It renews the lock when kept alive, sends the extends one
 * after the other (so that the TTL last asked for is the one Redis keeps), and tells the
 * {@link Lock#onLost} handlers once when a renewal or an extend finds the lock gone.
 *
 * <p>Callers come from any thread: the state is guarded by {@code this}, and nothing is called
 * while holding it.
 */
final class Hold {

  /** Fastest retry of a failed renewal, so that a very short TTL does not spin. */
  private static final long MIN_RETRY_MS = 10;
  /** Slowest retry: while Redis is away, try every second until the lock would have expired. */
  private static final long MAX_RETRY_MS = 1000;
  /** Bounds of how long a renewal waits for its answer: a third of the TTL, within these. */
  private static final Duration MIN_RENEWAL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_RENEWAL_TIMEOUT = Duration.ofSeconds(10);

  private final LockClient client;
  /** What the lock is on, as the unlock and extend bodies name it: {@code {"key"}} or {@code {"keys"}}. */
  private final JsonObject subject;
  /** The key or keys, for messages. */
  private final String described;
  private final String lockKey;
  private final boolean keepAlive;
  private final Promise<LockException> lost;

  // guarded by this
  private Duration ttl;
  private long expiresAtNanos;
  private long timerId = -1;
  /** Fires at expiresAtNanos, when kept alive: no renewal got through in time, the lock is lost. */
  private long deadlineTimerId = -1;
  /** Unlocked, lost, or its client closed: no more renewals, no lost notice. */
  private boolean ended;
  /** Lost at the deadline: a renewal answered after it is undone. */
  private boolean pastDeadline;
  /** Completes when the last extend asked for has been answered; the next one waits for it. */
  private Future<Void> extending = Future.succeededFuture();

  Hold(LockClient client, String key, String lockKey, Duration ttl, long grantedAtNanos, boolean keepAlive) {
    this(client, new JsonObject().put("key", key), "'" + key + "'", lockKey, ttl, grantedAtNanos, keepAlive);
  }

  /** {@code subject}: {@code {"key"}} or {@code {"keys"}}, as unlock and extend name the lock; {@code described}: for messages. */
  Hold(LockClient client, JsonObject subject, String described, String lockKey, Duration ttl, long grantedAtNanos,
       boolean keepAlive) {
    this.client = client;
    this.subject = subject;
    this.described = described;
    this.lockKey = lockKey;
    this.ttl = ttl;
    this.expiresAtNanos = grantedAtNanos + ttl.toNanos();
    this.keepAlive = keepAlive;
    this.lost = client.promise();
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** Starts the renewals, if kept alive: the first at a third of the TTL from the grant. */
  void start(long grantedAtNanos) {
    if (keepAlive) {
      synchronized (this) {
        scheduleRenewal(grantedAtNanos);
        armDeadline();
      }
    }
  }

  /** Whether the lock may still be held: not ended, and (unless kept alive) its TTL not yet run out. */
  synchronized boolean mayBeHeld(long nowNanos) {
    return !ended && (keepAlive || nowNanos - expiresAtNanos < 0);
  }

  void onLost(Handler<LockException> handler) {
    lost.future().onSuccess(handler);
  }

  /** Sets the remaining TTL to {@code newTtl} (and renews to it from now on, if kept alive). */
  Future<JsonObject> extend(Duration newTtl) {
    return extendInTurn(newTtl, false);
  }

  /**
   * Stops the renewals and sends the unlock. An unlock that finds the lock gone fails with that
   * error, as before keep-alive existed, but does not count as a loss: the holder let go.
   */
  Future<JsonObject> unlock() {
    end();
    client.forget(this);
    return client.request(LockAddresses.UNLOCK, owned(), Duration.ZERO);
  }

  /** An unlock or extend body: the subject and the lockKey. */
  private JsonObject owned() {
    return subject.copy().put("lockKey", lockKey);
  }

  /** Stops the renewals without a lost notice (the client closes, or the holder unlocks). */
  void end() {
    long timer;
    long deadlineTimer;
    synchronized (this) {
      ended = true;
      timer = timerId;
      timerId = -1;
      deadlineTimer = deadlineTimerId;
      deadlineTimerId = -1;
    }
    client.cancelTimer(timer);
    client.cancelTimer(deadlineTimer);
  }

  /** One extend at a time: each is sent once the previous one has been answered. */
  private Future<JsonObject> extendInTurn(Duration newTtl, boolean renewal) {
    Promise<Void> answered = Promise.promise();
    Future<Void> previous;
    synchronized (this) {
      previous = extending;
      extending = answered.future();
    }
    return previous.transform(ignored -> {
      long sentAtNanos = System.nanoTime();
      JsonObject body = owned().put("ttl", LockClient.seconds(newTtl));
      // a renewal unanswered for a third of the TTL is retried (or finds the lock gone) rather than
      // waited for longer: the next one must still come before the lock expires
      return (renewal ? client.requestWithin(LockAddresses.EXTEND, body, renewalTimeout(newTtl))
          : client.request(LockAddresses.EXTEND, body, Duration.ZERO))
        .andThen(outcome -> {
          if (outcome.succeeded()) {
            extended(newTtl, sentAtNanos);
          } else {
            failed(outcome.cause(), renewal);
          }
          answered.complete();
        });
    });
  }

  private void renew() {
    Duration renewTo;
    synchronized (this) {
      timerId = -1;
      if (ended) {
        return;
      }
      renewTo = ttl;
    }
    extendInTurn(renewTo, true);
  }

  private void extended(Duration newTtl, long sentAtNanos) {
    long previousTimer;
    synchronized (this) {
      if (ended) {
        if (pastDeadline) {
          // renewed after it was given up as lost (Redis answered late): nobody counts on it now
          client.request(LockAddresses.UNLOCK, owned(), Duration.ZERO);
        }
        return;
      }
      // the service counts the TTL from when it handled the call: from when it was sent is on the safe side
      ttl = newTtl;
      expiresAtNanos = sentAtNanos + newTtl.toNanos();
      previousTimer = timerId;
      timerId = -1;
      if (keepAlive) {
        scheduleRenewal(sentAtNanos);
        armDeadline();
      }
    }
    client.cancelTimer(previousTimer);
  }

  /**
   * Called holding {@code this}: at {@code expiresAtNanos} (the send time of the last extend answered
   * 200 plus its TTL), if no renewal got through meanwhile, the lock is lost then, not when Redis
   * answers again: by then another client may hold the expired lock.
   */
  private void armDeadline() {
    client.cancelTimer(deadlineTimerId);
    long dueInMs = (expiresAtNanos - System.nanoTime() + 999_999) / 1_000_000;
    deadlineTimerId = client.setTimer(Math.max(1, dueInMs), id -> deadline());
  }

  private void deadline() {
    synchronized (this) {
      deadlineTimerId = -1;
      if (ended) {
        return;
      }
      if (System.nanoTime() - expiresAtNanos < 0) {
        armDeadline(); // the timer fired a little early
        return;
      }
      pastDeadline = true;
      ended = true;
    }
    end();
    client.forget(this);
    lost.tryComplete(new LockException(ErrorCode.NOT_HELD,
      "no renewal of " + described + " got through before its TTL ran out: it may be another's now"));
  }

  private void failed(Throwable error, boolean renewal) {
    LockException failure = error instanceof LockException lockException ? lockException : null;
    boolean gone = failure != null && (failure.error() == ErrorCode.NOT_HELD || failure.error() == ErrorCode.NOT_OWNER);
    boolean transientFailure = failure == null || failure.failureCode() >= 500;
    if (!gone && (transientFailure || !renewal)) {
      // an extend the caller asked for reports its own failure; a renewal tries again soon
      if (renewal) {
        synchronized (this) {
          if (!ended && timerId < 0) {
            long retryMs = Math.max(MIN_RETRY_MS, Math.min(MAX_RETRY_MS, ttl.toMillis() / 10));
            timerId = client.setTimer(retryMs, id -> renew());
          }
        }
      }
      return;
    }
    // not_held / not_owner, or a renewal refused for good (a 4xx the next try would get as well)
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    end();
    client.forget(this);
    lost.tryComplete(failure);
  }

  private static Duration renewalTimeout(Duration ttl) {
    Duration third = ttl.dividedBy(3);
    return third.compareTo(MIN_RENEWAL_TIMEOUT) < 0 ? MIN_RENEWAL_TIMEOUT
      : third.compareTo(MAX_RENEWAL_TIMEOUT) > 0 ? MAX_RENEWAL_TIMEOUT : third;
  }

  /** Called holding {@code this}: the next renewal at a third of the TTL after {@code fromNanos}. */
  private void scheduleRenewal(long fromNanos) {
    if (ended) {
      return;
    }
    long dueInMs = (fromNanos + ttl.toNanos() / 3 - System.nanoTime()) / 1_000_000;
    timerId = client.setTimer(Math.max(1, dueInMs), id -> renew());
  }
}
