package io.isp.lock.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;

/**
 * Passes the API's immutable records between verticles of one JVM by reference: the HTTP verticle
 * validates a request once and sends the typed command, and the LockVerticle replies with the typed
 * result, with no JSON copied or validated again on the way. Local only: callers on other cluster
 * nodes, and other verticles, use the documented JSON bodies on the same addresses.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  /** Every record that may travel typed. */
  private static final List<Class<?>> TYPES = List.of(LockCommand.class, UnlockCommand.class, ExtendCommand.class,
    StatusQuery.class, ForceUnlockCommand.class, ListQuery.class,
    LockGrant.class, Released.class, LockStatus.class, ForceReleased.class, LockPage.class,
    SemaphoreCommand.class, PermitGrant.class, SemaphoreStatus.class,
    MultiLockCommand.class, MultiUnlockCommand.class, MultiExtendCommand.class, MultiLockGrant.class);

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "isp-lock-service.local." + type.getSimpleName();
  }

  /** Registers the codecs on {@code vertx}'s event bus, once however many verticles ask. */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (LocalCodec.class) {
      for (Class<?> type : TYPES) {
        try {
          registerDefault(bus, type);
        } catch (IllegalStateException alreadyRegistered) {
          // another verticle of this Vert.x registered them first
        }
      }
    }
  }

  private static <T> void registerDefault(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is local only: send the JSON body across a cluster");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local only: send the JSON body across a cluster");
  }

  /** The records are immutable: the receiver may share the sender's instance. */
  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
