package io.isp.lock.redis;

import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Release notices in a Redis Cluster: Redis 7 sharded pub/sub. Notices for a key go (SPUBLISH) to a
 * channel hashing to the key's slot, so they reach only that slot's shard; this node SSUBSCRIBEs to
 * the channels of the slots its waiting calls wait in, each on a connection of its own to the master
 * serving the slot (one per master).
 *
 * <p>Subscriptions follow the slots: every {@value #SYNC_PERIOD_MS} ms, and at once when a call
 * starts waiting, the wanted slots are compared with the subscribed ones, and a slot now served by
 * another master (a failover, a resharding) is subscribed there. Redis itself drops the
 * subscriptions of a slot that leaves a master (a SUNSUBSCRIBE it sends), and a lost connection
 * drops all of its master's. Notices sent meanwhile are lost: when a slot's subscription is
 * confirmed the keys of that slot are re-checked ({@code onSubscribed}), as after a resubscribe with
 * one Redis; the holders' TTL timers cover the rest. Channels no longer waited on are unsubscribed
 * after 5 idle seconds. All callbacks run on the owning verticle's event loop.
 *
 * <p>Why not the client's cluster connection (vertx-redis-client 5.0.7, RedisClusterConnection): it
 * does route SSUBSCRIBE by the channel's slot, but a message handler set on it reaches only the
 * per-master connections open at that moment (one opened later for a new slot's master never calls
 * it), a connection lost to a dead master is never replaced, and nothing resubscribes after a
 * failover or a slot move. Here each master's connection is ours, and so is following the slots.
 */
public final class ShardedReleaseSubscriber implements ReleaseNotices {

  private static final System.Logger LOG = System.getLogger(ShardedReleaseSubscriber.class.getName());
  static final long SYNC_PERIOD_MS = 500;
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2000;
  /** An SSUBSCRIBE not confirmed within this is sent again. */
  private static final long CONFIRM_WITHIN_NANOS = 2_000_000_000L;
  /**
   * A channel stays subscribed this long after its slot's last waiter: under load the same slots
   * come back at once, and an SSUBSCRIBE/SUNSUBSCRIBE pair per lock call would cost more than it saves.
   */
  private static final long KEEP_IDLE_NANOS = 5_000_000_000L;

  private final Vertx vertx;
  private final ClusterMaster master;
  private final IntFunction<String> channelOfSlot;
  private final Supplier<Set<Integer>> wantedSlots;
  private final Handler<String> onRelease;
  private final IntConsumer onSubscribed;

  private final Map<String, Shard> shards = new HashMap<>();
  private final Map<Integer, Subscription> subscriptions = new HashMap<>();
  private long timer = -1;
  private boolean syncScheduled;
  private boolean closed;

  /** A slot's channel, subscribed (or being subscribed) on the master at {@code address}. */
  private static final class Subscription {
    final String address;
    final long sentNanos = System.nanoTime();
    boolean confirmed;
    /** When the slot was first seen without waiters (0: it has some). */
    long unwantedSinceNanos;

    Subscription(String address) {
      this.address = address;
    }
  }

  /** The pub/sub connection to one master. */
  private static final class Shard {
    final String address;
    RedisConnection connection;
    boolean connecting;
    long backoffMs = MIN_BACKOFF_MS;
    long retryAtNanos = System.nanoTime();
    /** Slots we unsubscribed here and whose SUNSUBSCRIBE reply is still to come. */
    final Set<Integer> unsubscribing = new HashSet<>();

    Shard(String address) {
      this.address = address;
    }
  }

  /**
   * {@code channelOfSlot}: the sharded channel notices of a slot's keys go to; {@code wantedSlots}:
   * the slots of the keys calls wait on now; {@code onSubscribed}: a slot's channel is now heard,
   * its keys should look again.
   */
  public ShardedReleaseSubscriber(Vertx vertx, ClusterMaster master, IntFunction<String> channelOfSlot,
                                  Supplier<Set<Integer>> wantedSlots, Handler<String> onRelease, IntConsumer onSubscribed) {
    this.vertx = vertx;
    this.master = master;
    this.channelOfSlot = channelOfSlot;
    this.wantedSlots = wantedSlots;
    this.onRelease = onRelease;
    this.onSubscribed = onSubscribed;
  }

  @Override
  public void start() {
    timer = vertx.setPeriodic(SYNC_PERIOD_MS, id -> sync(true));
    sync(true);
  }

  @Override
  public void waitersChanged() {
    if (!syncScheduled && !closed) {
      syncScheduled = true;
      vertx.runOnContext(v -> {
        syncScheduled = false;
        sync(false);
      });
    }
  }

  @Override
  public boolean isSubscribed() {
    for (int slot : wantedSlots.get()) {
      Subscription subscription = subscriptions.get(slot);
      if (subscription == null || !subscription.confirmed) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    List<Future<Void>> closing = new ArrayList<>();
    shards.values().forEach(shard -> {
      if (shard.connection != null) {
        closing.add(shard.connection.close());
        shard.connection = null;
      }
    });
    shards.clear();
    subscriptions.clear();
    return Future.join(closing).mapEmpty();
  }

  /** Subscribes the wanted slots where they are served now; {@code periodic}: also drops the unwanted and the stuck. */
  private void sync(boolean periodic) {
    if (closed) {
      return;
    }
    Set<Integer> wanted = wantedSlots.get();
    if (periodic) {
      long now = System.nanoTime();
      for (Map.Entry<Integer, Subscription> entry : List.copyOf(subscriptions.entrySet())) {
        Subscription subscription = entry.getValue();
        if (wanted.contains(entry.getKey())) {
          subscription.unwantedSinceNanos = 0;
        } else if (subscription.unwantedSinceNanos == 0) {
          subscription.unwantedSinceNanos = now;
        }
        boolean idle = subscription.unwantedSinceNanos != 0 && now - subscription.unwantedSinceNanos >= KEEP_IDLE_NANOS;
        if (idle || !subscription.confirmed && now - subscription.sentNanos > CONFIRM_WITHIN_NANOS) {
          unsubscribe(entry.getKey());
        }
      }
      closeIdleShards(wanted);
    }
    for (int slot : wanted) {
      String owner = master.masterOf(slot);
      if (owner == null) {
        master.refreshSoon();
        continue;
      }
      Subscription subscription = subscriptions.get(slot);
      if (subscription != null && subscription.address.equals(owner)) {
        continue;
      }
      if (subscription != null) {
        // the slot moved (failover, resharding): listen where it is now
        unsubscribe(slot);
      }
      subscribe(slot, owner);
    }
  }

  private void subscribe(int slot, String address) {
    Shard shard = shards.computeIfAbsent(address, Shard::new);
    if (shard.connection == null) {
      connect(shard);
      return;
    }
    subscriptions.put(slot, new Subscription(address));
    shard.unsubscribing.remove(slot);
    RedisConnection conn = shard.connection;
    conn.send(Request.cmd(Command.SSUBSCRIBE).arg(channelOfSlot.apply(slot)))
      .onFailure(error -> lost(shard, conn, error.getMessage()));
  }

  private void unsubscribe(int slot) {
    Subscription subscription = subscriptions.remove(slot);
    Shard shard = subscription == null ? null : shards.get(subscription.address);
    if (shard != null && shard.connection != null) {
      shard.unsubscribing.add(slot);
      shard.connection.send(Request.cmd(Command.SUNSUBSCRIBE).arg(channelOfSlot.apply(slot)));
    }
  }

  private void connect(Shard shard) {
    if (shard.connecting || System.nanoTime() < shard.retryAtNanos) {
      return;
    }
    shard.connecting = true;
    master.connectTo(shard.address).onComplete(opened -> {
      shard.connecting = false;
      if (opened.failed()) {
        LOG.log(System.Logger.Level.DEBUG, "release notices from " + shard.address + " unavailable ("
          + opened.cause().getMessage() + "), retrying in " + shard.backoffMs + " ms");
        shard.retryAtNanos = System.nanoTime() + shard.backoffMs * 1_000_000;
        shard.backoffMs = Math.min(MAX_BACKOFF_MS, shard.backoffMs * 2);
        vertx.setTimer(shard.backoffMs, id -> sync(false));
        return;
      }
      RedisConnection conn = opened.result();
      if (closed || shards.get(shard.address) != shard) {
        conn.close();
        return;
      }
      shard.connection = conn;
      shard.backoffMs = MIN_BACKOFF_MS;
      conn.handler(message -> onMessage(shard, message));
      conn.exceptionHandler(error -> lost(shard, conn, error.getMessage()));
      conn.endHandler(ignored -> lost(shard, conn, "connection closed"));
      sync(false);
    });
  }

  private void onMessage(Shard shard, Response message) {
    if (message == null) {
      return;
    }
    if (message.type() == ResponseType.ERROR) {
      // an SSUBSCRIBE refused (MOVED: the slot is no longer here): the unconfirmed ones go again
      LOG.log(System.Logger.Level.DEBUG, "release notices from " + shard.address + ": " + message);
      subscriptions.entrySet().removeIf(entry -> entry.getValue().address.equals(shard.address) && !entry.getValue().confirmed);
      master.refreshSoon();
      return;
    }
    // RESP3 push or RESP2 array: [kind, channel, payload or count]
    if ((message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI) || message.size() != 3) {
      return;
    }
    String kind = message.get(0).toString();
    if ("smessage".equals(kind)) {
      onRelease.handle(message.get(2).toString());
      return;
    }
    int slot = HashSlots.slot(message.get(1).toString());
    Subscription subscription = subscriptions.get(slot);
    boolean here = subscription != null && subscription.address.equals(shard.address);
    if ("ssubscribe".equals(kind) && here && !subscription.confirmed) {
      subscription.confirmed = true;
      onSubscribed.accept(slot);
    } else if ("sunsubscribe".equals(kind) && !shard.unsubscribing.remove(slot) && here) {
      // Redis dropped it: the slot left this master; subscribe where it went
      subscriptions.remove(slot);
      master.refreshSoon();
      vertx.setTimer(SYNC_PERIOD_MS / 5, id -> sync(false));
    }
  }

  private void lost(Shard shard, RedisConnection conn, String why) {
    if (shard.connection != conn || conn == null) {
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "release notices from " + shard.address + " lost (" + why + ")");
    shard.connection = null;
    shard.unsubscribing.clear();
    subscriptions.entrySet().removeIf(entry -> entry.getValue().address.equals(shard.address));
    conn.close();
    master.refreshSoon();
    shard.retryAtNanos = System.nanoTime() + shard.backoffMs * 1_000_000;
    vertx.setTimer(shard.backoffMs, id -> sync(false));
    shard.backoffMs = Math.min(MAX_BACKOFF_MS, shard.backoffMs * 2);
  }

  /** Connections to masters no subscription needs any more (e.g. a master that failed over) are closed. */
  private void closeIdleShards(Set<Integer> wanted) {
    Set<String> used = new HashSet<>();
    subscriptions.values().forEach(subscription -> used.add(subscription.address));
    wanted.forEach(slot -> used.add(master.masterOf(slot)));
    shards.values().removeIf(shard -> {
      if (used.contains(shard.address) || shard.connecting || !shard.unsubscribing.isEmpty()) {
        return false;
      }
      if (shard.connection != null) {
        RedisConnection conn = shard.connection;
        shard.connection = null;
        conn.close();
      }
      return true;
    });
  }
}
