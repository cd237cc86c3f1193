package io.isp.lock.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The sessions open in this process, across the HTTP verticles' event loops: counted for
 * {@code isp_lock_sessions}, and closed first on shutdown, while the lock service can still release
 * their locks. Thread-safe; one per deployment.
 */
public final class Sessions {

  private final Set<Session> open = ConcurrentHashMap.newKeySet();

  void opened(Session session) {
    open.add(session);
  }

  void closed(Session session) {
    open.remove(session);
  }

  /** Open sessions now. */
  public int count() {
    return open.size();
  }

  /**
   * Ends every session: its locks released, its waiting calls cancelled, its connection closed with
   * 1001. Completes when the releases are answered, or after {@code timeoutMs} (then the locks left
   * expire at their TTL).
   */
  public Future<Void> closeAll(long timeoutMs) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Session session : open) {
      Promise<Void> closed = Promise.promise();
      session.context().runOnContext(v -> session.shutdown().onComplete(closed));
      closing.add(closed.future());
    }
    return Future.join(closing).<Void>mapEmpty().timeout(timeoutMs, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }
}
