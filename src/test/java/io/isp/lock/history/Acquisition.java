package io.isp.lock.history;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One lock a client held, as the client saw it: from the moment the grant reached it to the moment
 * it stopped counting on the lock (it sent its unlock, or the TTL it was given ran out counted from
 * when it sent the lock request, whichever came first). Times are wall-clock microseconds since the
 * epoch, so that the histories of several processes on one machine can be merged.
 *
 * @param outcome how the hold ended, as its unlock was answered: {@code released}, {@code not_held}
 *                (it had expired), {@code not_owner}, {@code error}...; free text, reported as is
 */
public record Acquisition(String client, String key, long fencingToken, long grantedAtMicros, long releasedAtMicros,
                          String outcome) {

  public Acquisition {
    if (releasedAtMicros < grantedAtMicros) {
      // the TTL ran out before the grant arrived: the client never held it
      releasedAtMicros = grantedAtMicros;
    }
  }

  /** The end of the hold a client may count on: its unlock, or {@code ttl} after it asked, whichever is first. */
  public static long heldUntil(long requestedAtMicros, long ttlMillis, long unlockSentAtMicros) {
    return Math.min(unlockSentAtMicros, requestedAtMicros + ttlMillis * 1000);
  }

  /** One line of a history file: tab-separated, the key URL-encoded (keys may hold tabs and newlines). */
  public String toLine() {
    return String.join("\t", client, URLEncoder.encode(key, StandardCharsets.UTF_8), Long.toString(fencingToken),
      Long.toString(grantedAtMicros), Long.toString(releasedAtMicros), outcome);
  }

  public static Acquisition fromLine(String line) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 6) {
      throw new IllegalArgumentException("not a history line (6 tab-separated fields): " + line);
    }
    return new Acquisition(fields[0], URLDecoder.decode(fields[1], StandardCharsets.UTF_8), Long.parseLong(fields[2]),
      Long.parseLong(fields[3]), Long.parseLong(fields[4]), fields[5]);
  }

  boolean overlaps(Acquisition other) {
    return grantedAtMicros < other.releasedAtMicros && other.grantedAtMicros < releasedAtMicros;
  }

  @Override
  public String toString() {
    return client + " held '" + key + "' [" + grantedAtMicros + ", " + releasedAtMicros + "] us with fencing token "
      + fencingToken + " (" + outcome + ")";
  }
}
