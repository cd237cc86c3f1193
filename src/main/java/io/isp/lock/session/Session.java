package io.isp.lock.session;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockRequests;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.SemaphoreCommand;
import io.isp.lock.api.StatusQuery;
import io.isp.lock.api.UnlockCommand;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One WebSocket connection and the locks and semaphore permits it holds ({@link Held}, each of a
 * {@link Primitive}): it serves the peer's requests over the event bus as the HTTP API does, renews
 * every lock and permit it holds at a third of its TTL, and tells the peer when a renewal finds one
 * gone. When the connection closes, or the peer falls silent for {@code session.idleTimeout}, the
 * session ends: its locks and permits are released and its waiting calls cancelled. Confined to
 * the event loop of the HTTP verticle that accepted the connection.
 */
final class Session {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  /** Locks and permits held and acquire calls in progress, together; a peer wanting more opens another session. */
  static final int MAX_LOCKS = 1000;
  /** Requests awaiting their reply (lock and acquire calls waiting for a key among them). */
  static final int MAX_PENDING = 1000;
  /** Largest message (the frames of one text message together), as for HTTP bodies. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  /** A renewal that failed for a reason other than the lock being gone is tried again this soon at the latest. */
  static final long RETRY_MS = 500;

  static final short GOING_AWAY = 1001;
  static final short UNSUPPORTED_DATA = 1003;
  static final short MESSAGE_TOO_BIG = 1009;

  private final Vertx vertx;
  private final Context context;
  private final ServerWebSocket socket;
  private final Runnable hardClose;
  private final SessionEndpoint endpoint;
  private final long idleTimeoutNanos;
  private final long pingIntervalMs;
  /** Locks and permits held, each key of each primitive once. */
  private final Map<Claim, Held> held = new HashMap<>();
  /** Keys this session waits for, with the request id that cancels the wait. */
  private final Map<Claim, String> acquiring = new HashMap<>();
  private int pending;
  private long messageBytes;
  private long lastHeard = System.nanoTime();
  private long pingTimer = -1;
  private long idleTimer = -1;
  private boolean ended;
  private Future<Void> released;

  Session(Vertx vertx, ServerWebSocket socket, Runnable hardClose, SessionEndpoint endpoint) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.hardClose = hardClose;
    this.endpoint = endpoint;
    this.idleTimeoutNanos = endpoint.config().idleTimeout().toNanos();
    this.pingIntervalMs = Math.max(1, endpoint.config().pingInterval().toMillis());
  }

  void start() {
    // every frame and pong is a sign of life; the frame handler sees each frame before the text
    // aggregator does, so a message too large is refused before it is assembled
    socket.frameHandler(this::frameArrived);
    socket.textMessageHandler(this::received);
    socket.pongHandler(pong -> heard());
    socket.closeHandler(closed -> end("the connection closed"));
    socket.exceptionHandler(this::failed);
    pingTimer = vertx.setPeriodic(pingIntervalMs, tick -> socket.writePing(Buffer.buffer()));
    idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + 1, fired -> idleCheck());
  }

  Context context() {
    return context;
  }

  /** Shutdown: sends the unlocks, closes with 1001 at once, and completes when the unlocks are answered. */
  Future<Void> shutdown() {
    Future<Void> releases = end("the service is shutting down");
    socket.close(GOING_AWAY, "the service is shutting down");
    return releases;
  }

  // ------------------------------------------------------------------------------------------
  // Frames

  /**
   * A frame the WebSocket decoder refused (over 64 KiB: 1009; a text frame that is not UTF-8: 1007;
   * a protocol violation: 1002). Vert.x drops the connection right after this handler; the close
   * frame written here, on the event loop, goes out first, so the peer learns why.
   */
  private void failed(Throwable error) {
    if (error instanceof CorruptedWebSocketFrameException corrupted && !socket.isClosed()) {
      closeWith((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> "session " + socket.remoteAddress() + ": " + error);
    }
  }

  private void frameArrived(WebSocketFrame frame) {
    heard();
    if (frame.isBinary()) {
      closeWith(UNSUPPORTED_DATA, "binary frames are not accepted: send JSON text");
      return;
    }
    if (frame.isText() || frame.isContinuation()) {
      messageBytes += frame.binaryData().length();
      if (messageBytes > MAX_MESSAGE_BYTES) {
        closeWith(MESSAGE_TOO_BIG, "a message may be at most " + MAX_MESSAGE_BYTES + " bytes");
        return;
      }
      if (frame.isFinal()) {
        messageBytes = 0;
      }
    }
  }

  private void received(String text) {
    if (ended) {
      return;
    }
    Frame frame;
    try {
      frame = Frame.parse(text);
    } catch (Frame.Invalid invalid) {
      send(Replies.failed(invalid.id(), invalid.problem()));
      return;
    }
    if (pending >= MAX_PENDING) {
      send(Replies.failed(frame.id(), SessionError.TOO_MANY_REQUESTS, null,
        "this session has " + MAX_PENDING + " requests awaiting their reply; wait for some, or open another session"));
      return;
    }
    try {
      switch (frame.op()) {
        case LOCK -> lock(frame);
        case UNLOCK -> release(frame, Primitive.LOCK);
        case EXTEND -> extend(frame, Primitive.LOCK);
        case STATUS -> status(frame, Primitive.LOCK);
        case SEMAPHORE_ACQUIRE -> semaphoreAcquire(frame);
        case SEMAPHORE_RELEASE -> release(frame, Primitive.SEMAPHORE);
        case SEMAPHORE_EXTEND -> extend(frame, Primitive.SEMAPHORE);
        case SEMAPHORE_STATUS -> status(frame, Primitive.SEMAPHORE);
      }
    } catch (LockException invalid) {
      send(Replies.failed(frame.id(), invalid));
    }
  }

  /** A lock on {@code key}, or with {@code keys} one lock on several keys, held (renewed, released) as one. */
  private void lock(Frame frame) {
    if (LockRequests.namesSeveralKeys(frame.body())) {
      MultiLockCommand command = endpoint.requests().multiLock(frame.body());
      acquire(frame, new Named(Primitive.LOCK, command.keys()), command.ttlMs(),
        requestId -> request(LockAddresses.LOCK, command, MultiLockCommand::toJson, command.waitMs(), requestId));
      return;
    }
    LockCommand command = endpoint.requests().lock(frame.body());
    acquire(frame, new Named(new Claim(Primitive.LOCK, command.key())), command.ttlMs(),
      requestId -> request(LockAddresses.LOCK, command, LockCommand::toJson, command.waitMs(), requestId));
  }

  private void semaphoreAcquire(Frame frame) {
    SemaphoreCommand command = endpoint.requests().semaphoreAcquire(frame.body());
    acquire(frame, new Named(new Claim(Primitive.SEMAPHORE, command.key())), command.ttlMs(),
      requestId -> request(LockAddresses.SEMAPHORE_ACQUIRE, command, SemaphoreCommand::toJson, command.waitMs(), requestId));
  }

  /** What a release or extend frame of {@code primitive} names: its {@code key}, or a lock's {@code keys}. */
  private Named named(Frame frame, Primitive primitive) {
    if (primitive == Primitive.LOCK && LockRequests.namesSeveralKeys(frame.body())) {
      return new Named(primitive, endpoint.requests().severalKeys(frame.body()));
    }
    return new Named(new Claim(primitive, endpoint.requests().status(frame.body()).key()));
  }

  /** The session's hold on exactly what {@code named} names (one key, or the same set of keys in any order), or null. */
  private Held owned(Named named) {
    Held owned = held.get(named.first());
    boolean same = owned != null && (named.keys() == null ? owned.keys == null
      : owned.keys != null && new HashSet<>(owned.keys).equals(new HashSet<>(named.keys())));
    return same ? owned : null;
  }

  /**
   * Takes {@code named} with the validated request {@code send} makes under a request id (which
   * cancels its wait), and holds it for {@code ttlMs} renewed. A session takes each claim once.
   */
  private void acquire(Frame frame, Named named, long ttlMs, Function<String, Future<JsonObject>> send) {
    for (Claim claim : named.claims()) {
      if (held.containsKey(claim) || acquiring.containsKey(claim)) {
        throw new LockException(ErrorCode.LOCK_HELD, "this session " + (held.containsKey(claim) ? "holds" : "is already waiting for")
          + " a " + claim.primitive().describe(claim.key()) + "; a session takes each key once");
      }
    }
    if (held.size() + acquiring.size() + named.claims().size() > MAX_LOCKS) {
      send(Replies.failed(frame.id(), SessionError.TOO_MANY_LOCKS, null,
        "this session holds or waits for " + MAX_LOCKS + " keys; release some, or open another session"));
      return;
    }
    String requestId = endpoint.nextRequestId();
    named.claims().forEach(claim -> acquiring.put(claim, requestId));
    long sentNanos = System.nanoTime();
    send.apply(requestId).onComplete(outcome -> {
      named.claims().forEach(acquiring::remove);
      if (outcome.failed()) {
        send(Replies.failed(frame.id(), (LockException) outcome.cause()));
        return;
      }
      JsonObject grant = outcome.result();
      Held granted = new Held(named.first(), named.keys(), grant.getString("lockKey"), ttlMs, grant.getLong("fencingToken"));
      if (ended) {
        // granted as the session ended (the grant and the cancel crossed): nobody holds it
        giveBack(granted, requestId);
        return;
      }
      hold(granted);
      // granted somewhere between the request and now (after a wait, just before its reply): count
      // from a third of the TTL before the reply, the first renewal then gives an exact bound
      aliveUntil(granted, Math.max(sentNanos, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(renewalDelay(ttlMs))));
      scheduleRenewal(granted, renewalDelay(ttlMs));
      send(Replies.ok(frame.id(), grant));
    });
  }

  /** Unlock, or a permit's release: the session's own, unless a {@code lockKey} is given (it must be the session's if it holds the key). */
  private void release(Frame frame, Primitive primitive) {
    Named named = named(frame, primitive);
    Held owned = owned(named);
    String lockKey = ownerToken(frame, named, owned);
    if (lockKey == null) {
      return;
    }
    if (owned != null) {
      forget(owned);
    }
    Object command = named.keys() == null ? new UnlockCommand(named.first().key(), lockKey)
      : new MultiUnlockCommand(named.keys(), lockKey);
    request(primitive.releaseAddress(), command, Session::json, 0, endpoint.nextRequestId())
      .onComplete(outcome -> {
        if (outcome.failed() && owned != null && !ended && named.claims().stream().noneMatch(held::containsKey)
          && !gone(outcome.cause())) {
          // not released (Redis away, say): the session keeps holding it, renewed, so that a retry can release it
          hold(owned);
          armDeadline(owned);
          scheduleRenewal(owned, Math.min(RETRY_MS, renewalDelay(owned.ttlMs)));
        }
        reply(frame, outcome);
      });
  }

  private void extend(Frame frame, Primitive primitive) {
    Named named = named(frame, primitive);
    Held owned = owned(named);
    String lockKey = ownerToken(frame, named, owned);
    if (lockKey == null) {
      return;
    }
    JsonObject body = frame.body().copy().put("lockKey", lockKey);
    Object command = named.keys() == null ? endpoint.requests().extend(body) : endpoint.requests().extendOrMultiExtend(body);
    long ttlMs = command instanceof MultiExtendCommand several ? several.ttlMs() : ((ExtendCommand) command).ttlMs();
    long sentNanos = System.nanoTime();
    request(primitive.extendAddress(), command, Session::json, 0, endpoint.nextRequestId()).onComplete(outcome -> {
      if (owned != null && held.get(named.first()) == owned) {
        if (outcome.succeeded()) {
          owned.ttlMs = ttlMs;
          aliveUntil(owned, sentNanos);
          owned.fencingToken = outcome.result().getLong("fencingToken", owned.fencingToken);
          scheduleRenewal(owned, renewalDelay(owned.ttlMs));
        } else if (gone(outcome.cause())) {
          lost(owned);
        }
      }
      reply(frame, outcome);
    });
  }

  private void status(Frame frame, Primitive primitive) {
    StatusQuery query = endpoint.requests().status(frame.body());
    request(primitive.statusAddress(), query, StatusQuery::toJson, 0, endpoint.nextRequestId())
      .onComplete(outcome -> reply(frame, outcome));
  }

  /**
   * The owner token a release or extend acts with: the session's own, or the one given, which must
   * then be the session's if it holds the key (a lock or permit taken elsewhere, over HTTP, may be
   * named too). Null after answering why there is none.
   */
  private String ownerToken(Frame frame, Named named, Held owned) {
    if (frame.body().getValue("lockKey") == null) {
      if (owned == null) {
        send(Replies.failed(frame.id(), new LockException(ErrorCode.NOT_HELD, "this session holds no "
          + named.describe() + (acquiring.containsKey(named.first()) ? " (its call is still waiting)" : ""))));
        return null;
      }
      return owned.lockKey;
    }
    String given = named.keys() == null ? endpoint.requests().unlock(frame.body()).lockKey()
      : ((MultiUnlockCommand) endpoint.requests().unlockOrMultiUnlock(frame.body())).lockKey();
    if (owned != null && !owned.lockKey.equals(given)) {
      send(Replies.failed(frame.id(), new LockException(ErrorCode.NOT_OWNER,
        "this session holds its " + named.describe() + " with another lockKey than the one given")));
      return null;
    }
    return given;
  }

  private void reply(Frame frame, io.vertx.core.AsyncResult<JsonObject> outcome) {
    send(outcome.succeeded() ? Replies.ok(frame.id(), outcome.result()) : Replies.failed(frame.id(), (LockException) outcome.cause()));
  }

  // ------------------------------------------------------------------------------------------
  // Renewal

  /** A third of the TTL: two renewals may fail (a Redis hiccup) before the lock would expire. */
  static long renewalDelay(long ttlMs) {
    return Math.max(1, ttlMs / 3);
  }

  private void scheduleRenewal(Held lock, long delayMs) {
    if (lock.renewalTimer != -1) {
      vertx.cancelTimer(lock.renewalTimer);
    }
    lock.renewalTimer = vertx.setTimer(delayMs, fired -> {
      lock.renewalTimer = -1;
      renew(lock);
    });
  }

  private void renew(Held lock) {
    if (ended || held.get(lock.claim) != lock) {
      return;
    }
    long sentNanos = System.nanoTime();
    request(lock.primitive().extendAddress(), lock.renewal(), Session::json, 0, endpoint.nextRequestId()).onComplete(outcome -> {
      if (lock.pastDeadline && outcome.succeeded() && !ended) {
        // renewed after the session gave it up as lost (Redis answered late): nobody counts on it now
        giveBack(lock, endpoint.nextRequestId());
        return;
      }
      if (ended || held.get(lock.claim) != lock || lock.renewalTimer != -1) {
        return; // unlocked, ended, or extended by the peer meanwhile (which scheduled the next renewal)
      }
      if (outcome.succeeded()) {
        aliveUntil(lock, sentNanos);
        scheduleRenewal(lock, renewalDelay(lock.ttlMs));
      } else if (gone(outcome.cause())) {
        lost(lock);
      } else {
        // Redis away, or the lock service: the lock may still be there; try again soon
        LOG.log(System.Logger.Level.DEBUG, () -> "renewing a session's lock failed: " + outcome.cause().getMessage());
        scheduleRenewal(lock, Math.min(RETRY_MS, renewalDelay(lock.ttlMs)));
      }
    });
  }

  /** Whether a failure says the lock is no longer the session's: expired, force-unlocked, lost in a failover. */
  private static boolean gone(Throwable failure) {
    return failure instanceof LockException problem
      && (problem.error() == ErrorCode.NOT_HELD || problem.error() == ErrorCode.NOT_OWNER);
  }

  private void lost(Held lock) {
    forget(lock);
    send(Replies.lost(lock));
  }

  private void hold(Held lock) {
    lock.claims().forEach(claim -> held.put(claim, lock));
  }

  private void forget(Held lock) {
    lock.claims().forEach(claim -> held.remove(claim, lock));
    lock.cancelTimers(vertx);
  }

  /**
   * The lock is sure to live until {@code sentNanos} plus its TTL (a renewal or extend sent then was
   * answered 200). If no renewal gets through before that moment (Redis away longer than the TTL,
   * or frozen), the peer is told {@code lost} then, not once Redis answers again: by then another
   * client may have taken the expired lock, and the holder must already have stopped.
   */
  private void aliveUntil(Held lock, long sentNanos) {
    lock.aliveUntilNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(lock.ttlMs);
    armDeadline(lock);
  }

  private void armDeadline(Held lock) {
    if (lock.deadlineTimer != -1) {
      vertx.cancelTimer(lock.deadlineTimer);
    }
    // rounded up: a timer may fire a little early, and then it is armed again for the rest
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(lock.aliveUntilNanos - System.nanoTime() + 999_999));
    lock.deadlineTimer = vertx.setTimer(delayMs, fired -> {
      lock.deadlineTimer = -1;
      if (ended || held.get(lock.claim) != lock) {
        return;
      }
      if (System.nanoTime() - lock.aliveUntilNanos >= 0) {
        lock.pastDeadline = true;
        lost(lock);
      } else {
        armDeadline(lock);
      }
    });
  }

  // ------------------------------------------------------------------------------------------
  // Liveness and the end

  private void heard() {
    lastHeard = System.nanoTime();
  }

  /** Set for the idle timeout after the last sign of life; moved lazily (it re-arms for what is left). */
  private void idleCheck() {
    idleTimer = -1;
    if (ended) {
      return;
    }
    long left = lastHeard + idleTimeoutNanos - System.nanoTime();
    if (left > 0) {
      idleTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1), fired -> idleCheck());
      return;
    }
    end("the peer was silent for " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms");
    // a peer that does not read would never answer a close frame: drop the connection
    hardClose.run();
  }

  private void closeWith(short status, String reason) {
    end(reason);
    socket.close(status, reason);
  }

  /**
   * Ends the session once: cancels its waiting calls (a grant that crosses the cancel is given back
   * when it arrives) and releases its locks. Completes when the releases are answered.
   */
  private Future<Void> end(String why) {
    if (ended) {
      return released;
    }
    ended = true;
    LOG.log(System.Logger.Level.DEBUG, () -> "session " + socket.remoteAddress() + " ended (" + why + "): releasing "
      + held.size() + " locks, cancelling " + acquiring.size() + " waiting calls");
    vertx.cancelTimer(pingTimer);
    if (idleTimer != -1) {
      vertx.cancelTimer(idleTimer);
    }
    // a lock on several keys waits, and is held, under each of its keys
    new LinkedHashSet<>(acquiring.values()).forEach(endpoint.bus()::cancel);
    List<Future<?>> releases = new ArrayList<>();
    for (Held lock : new LinkedHashSet<>(held.values())) {
      forget(lock);
      releases.add(giveBack(lock, endpoint.nextRequestId()));
    }
    endpoint.sessions().closed(this);
    released = Future.join(releases).mapEmpty();
    return released;
  }

  private Future<JsonObject> giveBack(Held lock, String requestId) {
    return request(lock.primitive().releaseAddress(), lock.release(), Session::json, 0, requestId)
      .onFailure(error -> LOG.log(System.Logger.Level.DEBUG, () -> "releasing an ended session's " + lock.primitive()
        + " failed (" + error.getMessage() + "); it expires at its TTL"));
  }

  private <C> Future<JsonObject> request(String address, C command, Function<C, JsonObject> json,
                                         long waitMs, String requestId) {
    pending++;
    return endpoint.bus().request(address, command, json, waitMs, requestId).andThen(done -> pending--);
  }

  /** The documented JSON body of a command whose type varies (one key or several), for an edge node that sends JSON. */
  private static JsonObject json(Object command) {
    if (command instanceof UnlockCommand unlock) {
      return unlock.toJson();
    } else if (command instanceof MultiUnlockCommand unlock) {
      return unlock.toJson();
    } else if (command instanceof ExtendCommand extend) {
      return extend.toJson();
    }
    return ((MultiExtendCommand) command).toJson();
  }

  private void send(JsonObject message) {
    if (!ended && !socket.isClosed()) {
      socket.writeTextMessage(message.encode());
    }
  }
}
