package io.isp.lock.cli;

import io.vertx.core.json.JsonObject;

/**
 * What the lock command's main thread waits for, from Vert.x's event loop, the child's exit
 * watcher and the signal handlers: one queue, so that the main thread reacts to whichever comes
 * first and the event loop never waits.
 */
sealed interface CliEvent {

  /** The WebSocket upgrade succeeded ({@code failure} null) or failed. */
  record Connected(Throwable failure) implements CliEvent {
  }

  /** The service's reply to the request with {@code id}. */
  record Reply(long id, JsonObject body) implements CliEvent {
  }

  /** {@code {"event": "lost", ...}}: the service found the lock gone. */
  record Lost(JsonObject body) implements CliEvent {
  }

  /** The session is over, or cannot be trusted: closed by the service or the network, or silent too long. */
  record SessionEnded(String reason) implements CliEvent {
  }

  /** SIGINT, SIGTERM or SIGHUP arrived. */
  record Signalled(String name, int number) implements CliEvent {
  }

  /** COMMAND exited with this status (128 + the signal's number when a signal ended it). */
  record ChildExited(int status) implements CliEvent {
  }
}
