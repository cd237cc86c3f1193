package io.isp.lock.redis;

import io.isp.lock.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * A master at a fixed address ({@code redis.server}), or one master of a cluster ({@link ClusterMaster}).
 * The pooled client reconnects by itself.
 */
final class StandaloneMaster implements RedisMaster {

  private final Redis client;
  private final SharedConnection commands;
  private final String address;
  private final long openBoundMs;

  StandaloneMaster(Vertx vertx, String address, RedisConfig config) {
    this.client = Redis.createClient(vertx, RedisMasters.masterOptions(address, config));
    this.commands = new SharedConnection(client::connect);
    this.address = address;
    this.openBoundMs = RedisMasters.openBoundMs(config);
  }

  @Override
  public Future<Void> openConnections() {
    return RedisMasters.openAndRelease(client, openBoundMs);
  }

  @Override
  public Future<Response> send(Request request) {
    return commands.send(request);
  }

  Future<Response> sendAsking(Request request) {
    return commands.sendAsking(request);
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return client.batch(requests);
  }

  @Override
  public Future<RedisConnection> connect() {
    return client.connect();
  }

  @Override
  public long masterChanges() {
    return 0;
  }

  @Override
  public String describe() {
    return address;
  }

  @Override
  public Future<Void> close() {
    return commands.close().eventually(client::close);
  }
}
