package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The semaphore endpoints over {@link HttpTransport}, as a {@link Transport}: a "lock" takes one of
 * {@code permits} permits, an "unlock" gives it back. It keeps the high-water mark of holders at
 * once, which must stay at most {@code permits}: the largest {@code holders} of a grant, which the
 * acquire script counts in Redis right after it adds the permit. (The clients cannot count it
 * themselves: a closed-loop client releases in the callback of its grant, so from their side a
 * permit is held for no time at all, and counting up to the release's answer would overlap the
 * next holder's grant answer.)
 */
final class SemaphoreTransport implements Transport {

  private final HttpTransport http;
  private final int permits;
  private final AtomicInteger highWater = new AtomicInteger();

  SemaphoreTransport(HttpTransport http, int permits) {
    this.http = http;
    this.permits = permits;
  }

  @Override
  public Future<Reply> lock(JsonObject body) {
    return http.post("/semaphore/acquire", body.copy().put("permits", permits)).onSuccess(reply -> {
      if (reply.ok()) {
        highWater.accumulateAndGet(reply.body().getInteger("holders", 0), Math::max);
      }
    });
  }

  @Override
  public Future<Reply> unlock(JsonObject body) {
    return http.post("/semaphore/release", body);
  }

  int permits() {
    return permits;
  }

  /** The largest {@code holders} of a grant: the permits held right after one was taken. */
  int highWater() {
    return highWater.get();
  }
}
