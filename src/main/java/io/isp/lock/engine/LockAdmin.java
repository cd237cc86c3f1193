package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.ForceReleased;
import io.isp.lock.api.ForceUnlockCommand;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockPage;
import io.vertx.core.Future;

/**
 * The operators' operations: force-unlock (audited) and listing. Neither waits, so neither needs
 * the wait queues: a force-unlock announces its release like an unlock, and waiters everywhere wake
 * on that notice.
 */
final class LockAdmin {

  private static final System.Logger AUDIT = System.getLogger("audit");

  private final LockStore store;

  LockAdmin(LockStore store) {
    this.store = store;
  }

  /** {@code actor} says who asked (an admin token's index and short hash, or an event-bus caller), for the audit line. */
  Future<ForceReleased> forceUnlock(ForceUnlockCommand command, String actor) {
    return store.forceRelease(command.key()).transform(outcome -> {
      String by = actor == null ? "an event-bus caller" : actor;
      if (outcome.failed()) {
        AUDIT.log(System.Logger.Level.INFO, "force-unlock of '" + command.key() + "' by " + by + " failed: "
          + outcome.cause().getMessage());
        return Future.failedFuture(outcome.cause());
      }
      LockStore.Forced forced = outcome.result();
      AUDIT.log(System.Logger.Level.INFO, "force-unlock of '" + command.key() + "' by " + by + ": "
        + (forced.removed() ? "released (holder's fencing token " + forced.fencingToken() + ")" : "not held"));
      return forced.removed()
        ? Future.succeededFuture(new ForceReleased(command.key(), forced.fencingToken()))
        : Future.failedFuture(new LockException(ErrorCode.NOT_HELD, "'" + command.key() + "' is not locked"));
    });
  }

  Future<LockPage> list(ListQuery query) {
    return store.list(query);
  }
}
