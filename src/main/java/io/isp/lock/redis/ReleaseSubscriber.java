package io.isp.lock.redis;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Keeps one connection subscribed to the release channel and hands each notice (the released key)
 * to a handler. When the connection drops, or the master moves, it reconnects with backoff and then
 * calls {@code onResubscribed}: notices sent while we were away are lost, so the owner re-checks.
 * All callbacks run on the owning verticle's event loop.
 */
public final class ReleaseSubscriber implements ReleaseNotices {

  private static final System.Logger LOG = System.getLogger(ReleaseSubscriber.class.getName());
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2000;

  private final Vertx vertx;
  private final RedisMaster master;
  private final String channel;
  private final Handler<String> onRelease;
  private final Runnable onResubscribed;

  private RedisConnection connection;
  private long subscribedToMasterChange = -1;
  private long backoffMs = MIN_BACKOFF_MS;
  private long watchdog = -1;
  private boolean closed;

  public ReleaseSubscriber(Vertx vertx, RedisMaster master, String channel, Handler<String> onRelease,
                           Runnable onResubscribed) {
    this.vertx = vertx;
    this.master = master;
    this.channel = channel;
    this.onRelease = onRelease;
    this.onResubscribed = onResubscribed;
  }

  /** Starts subscribing; never fails: an unreachable Redis is retried in the background. */
  @Override
  public void start() {
    // a moved master keeps our old connection open on a now-replica: notice moves ourselves
    watchdog = vertx.setPeriodic(1000, id -> {
      if (connection != null && master.masterChanges() != subscribedToMasterChange) {
        reconnect();
      }
    });
    subscribe();
  }

  @Override
  public boolean isSubscribed() {
    return connection != null;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(watchdog);
    RedisConnection current = connection;
    connection = null;
    return current == null ? Future.succeededFuture() : current.close();
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    long masterChange = master.masterChanges();
    master.connect()
      .compose(conn -> {
        conn.handler(this::onMessage);
        conn.exceptionHandler(error -> lost(conn, error.getMessage()));
        conn.endHandler(ignored -> lost(conn, "connection closed"));
        return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).map(conn);
      })
      .onSuccess(conn -> {
        if (closed) {
          conn.close();
          return;
        }
        connection = conn;
        subscribedToMasterChange = masterChange;
        backoffMs = MIN_BACKOFF_MS;
        LOG.log(System.Logger.Level.DEBUG, "subscribed to " + channel + " on " + master.describe());
        onResubscribed.run();
      })
      .onFailure(error -> retryLater(error.getMessage()));
  }

  private void onMessage(Response message) {
    // RESP3 push or RESP2 array: ["message", channel, payload]
    if ((message.type() == ResponseType.PUSH || message.type() == ResponseType.MULTI) && message.size() == 3
      && "message".equals(message.get(0).toString())) {
      onRelease.handle(message.get(2).toString());
    }
  }

  private void lost(RedisConnection conn, String why) {
    if (conn == connection) {
      connection = null;
      retryLater(why);
    }
  }

  private void reconnect() {
    RedisConnection old = connection;
    connection = null;
    old.close();
    subscribe();
  }

  private void retryLater(String why) {
    if (closed) {
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "release notices unavailable (" + why + "), retrying in " + backoffMs + " ms");
    vertx.setTimer(backoffMs, id -> subscribe());
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }
}
