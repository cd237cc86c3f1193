package io.isp.lock.session;

import io.isp.lock.api.JsonBodies;
import io.isp.lock.api.LockException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One request of a session: a text frame holding a JSON object with a client-chosen {@code id} (a
 * number or a string, repeated in the reply), an {@code op} and the operation's fields, which are
 * those of the HTTP body and are validated by {@link io.isp.lock.api.LockRequests} like it.
 */
record Frame(Object id, Op op, JsonObject body) {

  /** What a session does, by the {@code op} that names it. */
  enum Op {
    LOCK("lock"), UNLOCK("unlock"), EXTEND("extend"), STATUS("status"),
    SEMAPHORE_ACQUIRE("semaphore.acquire"), SEMAPHORE_RELEASE("semaphore.release"),
    SEMAPHORE_EXTEND("semaphore.extend"), SEMAPHORE_STATUS("semaphore.status");

    private final String name;

    Op(String name) {
      this.name = name;
    }
  }

  private static final Map<String, Op> OPS = Arrays.stream(Op.values()).collect(Collectors.toUnmodifiableMap(op -> op.name, op -> op));
  /** "lock, unlock, ... or semaphore.status", for the refusal of a missing or unknown op. */
  private static final String OP_NAMES = Arrays.stream(Op.values()).map(op -> op.name)
    .collect(Collectors.collectingAndThen(Collectors.toList(),
      names -> String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1)));

  /** A frame that cannot be served: the problem, and the request's {@code id} when one could be read (else null). */
  static final class Invalid extends Exception {

    private final transient Object id;
    private final LockException problem;

    Invalid(Object id, LockException problem) {
      super(problem.getMessage(), null, false, false);
      this.id = id;
      this.problem = problem;
    }

    Object id() {
      return id;
    }

    LockException problem() {
      return problem;
    }
  }

  /** Reads a text frame: strict JSON as for HTTP bodies, then {@code id} and {@code op}. */
  static Frame parse(String text) throws Invalid {
    JsonObject body;
    try {
      body = JsonBodies.parse(Buffer.buffer(text));
    } catch (LockException invalidJson) {
      throw new Invalid(null, invalidJson);
    }
    Object id = body.getValue("id");
    if (id == null) {
      throw new Invalid(null, LockException.invalidField("id", "is required: a number or a string, which the reply repeats"));
    }
    if (!(id instanceof Number) && !(id instanceof String)) {
      throw new Invalid(null, LockException.invalidField("id", "must be a number or a string"));
    }
    Object op = body.getValue("op");
    if (op == null) {
      throw new Invalid(id, LockException.invalidField("op", "is required: " + OP_NAMES));
    }
    Op known = op instanceof String name ? OPS.get(name) : null;
    if (known == null) {
      throw new Invalid(id, LockException.invalidField("op", "must be " + OP_NAMES));
    }
    return new Frame(id, known, body);
  }
}
