package io.isp.lock.api;

/**
 * A kind of failure a client can meet: its HTTP status (also the event-bus failure code), a stable
 * machine-readable code and a human title. {@link ErrorCode} lists those of the lock operations; the
 * HTTP layer adds its own (unknown path, wrong method, ...).
 */
public interface ProblemCode {

  int status();

  String code();

  String title();
}
