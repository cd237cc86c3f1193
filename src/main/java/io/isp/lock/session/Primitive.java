package io.isp.lock.session;

import io.isp.lock.api.LockAddresses;

/**
 * What a session can hold: how it is released, extended and looked at over the event bus, and how
 * its messages name it. The keys of the primitives are apart: a session may hold lock {@code k}
 * and a permit of semaphore {@code k} at once.
 */
enum Primitive {
  LOCK(LockAddresses.UNLOCK, LockAddresses.EXTEND, LockAddresses.STATUS, "lock on", null),
  SEMAPHORE(LockAddresses.SEMAPHORE_RELEASE, LockAddresses.SEMAPHORE_EXTEND, LockAddresses.SEMAPHORE_STATUS,
    "permit of semaphore", "semaphore");

  private final String releaseAddress;
  private final String extendAddress;
  private final String statusAddress;
  private final String heldThing;
  private final String lostTag;

  Primitive(String releaseAddress, String extendAddress, String statusAddress, String heldThing, String lostTag) {
    this.releaseAddress = releaseAddress;
    this.extendAddress = extendAddress;
    this.statusAddress = statusAddress;
    this.heldThing = heldThing;
    this.lostTag = lostTag;
  }

  String releaseAddress() {
    return releaseAddress;
  }

  String extendAddress() {
    return extendAddress;
  }

  String statusAddress() {
    return statusAddress;
  }

  /** "lock on 'k'", "permit of semaphore 'k'": what a refusal says the session holds or does not. */
  String describe(String key) {
    return heldThing + " '" + key + "'";
  }

  /**
   * The {@code primitive} field of its {@code lost} event; null for a lock, whose event predates
   * semaphores in sessions and stays as it was for the clients that read it.
   */
  String lostTag() {
    return lostTag;
  }
}
