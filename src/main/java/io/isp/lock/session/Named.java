package io.isp.lock.session;

import io.isp.lock.api.MultiLockCommand;

import java.util.List;

/**
 * What a frame names: one claim, or for a lock on several keys one claim per key (and the keys).
 * A lock on several keys is held under each of its keys' claims, so a session takes each key once
 * whether alone or in a set.
 */
record Named(List<Claim> claims, List<String> keys) {

  Named(Claim claim) {
    this(List.of(claim), null);
  }

  Named(Primitive primitive, List<String> keys) {
    this(keys.stream().map(key -> new Claim(primitive, key)).toList(), keys);
  }

  Claim first() {
    return claims.get(0);
  }

  /** "lock on 'k'", or "lock on 'a', 'b' and 3 more". */
  String describe() {
    // only a lock has several keys
    return keys == null ? first().primitive().describe(first().key()) : "lock on " + MultiLockCommand.describe(keys);
  }
}
