package io.isp.lock.session;

import io.isp.lock.api.JsonBodies;
import io.isp.lock.api.LockException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * One request of a session: a text frame holding a JSON object with a client-chosen {@code id} (a
 * number or a string, repeated in the reply), an {@code op} and the operation's fields, which are
 * those of the HTTP body and are validated by {@link io.isp.lock.api.LockRequests} like it.
 */
record Frame(Object id, Op op, JsonObject body) {

  /** What a session does. */
  enum Op {
    LOCK, UNLOCK, EXTEND, STATUS
  }

  private static final Map<String, Op> OPS = Map.of("lock", Op.LOCK, "unlock", Op.UNLOCK, "extend", Op.EXTEND, "status", Op.STATUS);

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
      throw new Invalid(id, LockException.invalidField("op", "is required: lock, unlock, extend or status"));
    }
    Op known = op instanceof String name ? OPS.get(name) : null;
    if (known == null) {
      throw new Invalid(id, LockException.invalidField("op", "must be lock, unlock, extend or status"));
    }
    return new Frame(id, known, body);
  }
}
