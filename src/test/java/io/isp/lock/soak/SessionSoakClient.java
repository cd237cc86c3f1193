package io.isp.lock.soak;

import io.isp.lock.history.Acquisition;
import io.isp.lock.history.HistoryRecorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A soak client that holds its locks through a WebSocket session: it takes one of two shared keys
 * with a TTL of 1 s and holds it 2.5 s without ever extending it itself, so the hold lasts only
 * because the session renews it. It counts on the lock from the grant until it sends its unlock, or
 * until the session tells it the lock was {@code lost} (or the session ends), whichever comes first;
 * the history checker then shows whether that trust was ever misplaced. One session per client,
 * opened again when it ends (a service restart or a dropped connection). The JDK's WebSocket client
 * (it answers the server's pings by itself): the soak runs on the test classes alone.
 */
final class SessionSoakClient implements Callable<Void> {

  private static final double TTL_SECONDS = 1;
  /** Below the TTL, as for the HTTP waiters: a grant then still has most of its TTL left. */
  private static final double WAIT_SECONDS = 0.8;
  private static final long HOLD_MILLIS = 2500;
  private static final long REPLY_SLACK_MS = 15_000;
  private static final long BACK_OFF_MS = 100;
  private static final long THINK_MS = 5;
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  private final String name;
  private final URI uri;
  private final LockHttp tally;
  private final ProtectedCounters counters;
  private final HistoryRecorder recorder;
  private final long endNanos;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
  /** key → when (epoch µs) the session said it was lost, or the session ended. */
  private final Map<String, Long> lost = new ConcurrentHashMap<>();
  private volatile WebSocket socket;
  private long round;

  SessionSoakClient(String name, int port, LockHttp tally, ProtectedCounters counters, HistoryRecorder recorder, long endNanos) {
    this.name = name;
    this.uri = URI.create("ws://127.0.0.1:" + port + "/api/isp-lock-service/session");
    this.tally = tally;
    this.counters = counters;
    this.recorder = recorder;
    this.endNanos = endNanos;
  }

  @Override
  public Void call() throws InterruptedException {
    try {
      while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
        if (socket == null && !open()) {
          Thread.sleep(BACK_OFF_MS);
          continue;
        }
        once("soak-session-" + ThreadLocalRandom.current().nextInt(2));
        round++;
        Thread.sleep(THINK_MS);
      }
    } finally {
      WebSocket open = socket;
      if (open != null) {
        open.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      }
    }
    return null;
  }

  private boolean open() throws InterruptedException {
    try {
      socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      tally.count("session-open", 0, e.getClass().getSimpleName());
      return false;
    }
  }

  private void once(String key) throws InterruptedException {
    lost.remove(key);
    String reply = request("lock", "\"op\":\"lock\",\"key\":\"" + key + "\",\"ttl\":" + TTL_SECONDS
      + ",\"waitTimeout\":" + WAIT_SECONDS, (long) (WAIT_SECONDS * 1000));
    if (reply == null || !reply.contains("\"ok\":true")) {
      if (reply == null || !reply.contains("lock_held")) {
        Thread.sleep(BACK_OFF_MS);
      }
      return;
    }
    long grantedAtMicros = HistoryRecorder.nowMicros();
    long token = number(reply, "fencingToken");
    long holdUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);
    while (System.nanoTime() < holdUntil && !lost.containsKey(key) && System.nanoTime() < endNanos) {
      Thread.sleep(50);
    }
    String outcome = null;
    if (!lost.containsKey(key)) {
      // the session renews the lock: no deadline of its own, only the lost notice
      counters.increment(key, token, Long.MAX_VALUE);
    } else {
      outcome = "lost";
    }
    long unlockSentAtMicros = HistoryRecorder.nowMicros();
    String unlocked = outcome == null ? request("unlock", "\"op\":\"unlock\",\"key\":\"" + key + "\"", 0) : null;
    Long lostAtMicros = lost.get(key);
    long until = lostAtMicros == null ? unlockSentAtMicros : Math.min(lostAtMicros, unlockSentAtMicros);
    if (outcome == null) {
      outcome = unlocked == null ? "no_answer" : unlocked.contains("\"ok\":true") ? "released" : status(unlocked);
    }
    recorder.record(new Acquisition(name, key, token, grantedAtMicros, until, outcome));
  }

  /** Sends one request and waits for its reply (null: none came, or the session ended); tallies it. */
  private String request(String operation, String fields, long waitMs) throws InterruptedException {
    WebSocket open = socket;
    if (open == null) {
      return null;
    }
    int id = ids.incrementAndGet();
    CompletableFuture<String> reply = new CompletableFuture<>();
    replies.put(id, reply);
    synchronized (this) {
      open.sendText("{\"id\":" + id + "," + fields + "}", true).join();
    }
    String answer;
    try {
      answer = reply.get(waitMs + REPLY_SLACK_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      answer = null;
    } finally {
      replies.remove(id);
    }
    if (answer == null) {
      tally.count("session-" + operation, 0, "no_answer");
    } else {
      tally.count("session-" + operation, answer.contains("\"ok\":true") ? 200 : (int) number(answer, "status"), code(answer));
    }
    return answer;
  }

  private void ended() {
    socket = null;
    long now = HistoryRecorder.nowMicros();
    // the service releases a session's locks when it ends: none of them can be counted on now
    for (String key : new String[] {"soak-session-0", "soak-session-1"}) {
      lost.putIfAbsent(key, now);
    }
    replies.values().forEach(reply -> reply.complete(null));
    if (System.nanoTime() < endNanos) {
      tally.count("session-ended", 0, "closed"); // before the end of the run: not by this client's choice
    }
  }

  private final class Listener implements WebSocket.Listener {

    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        Matcher id = ID.matcher(message);
        if (message.contains("\"event\":\"lost\"")) {
          Matcher key = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]*)\"").matcher(message);
          if (key.find()) {
            lost.putIfAbsent(key.group(1), HistoryRecorder.nowMicros());
          }
          tally.count("session-event", 0, "lost");
        } else if (id.find()) {
          CompletableFuture<String> reply = replies.get(Integer.parseInt(id.group(1)));
          if (reply != null) {
            reply.complete(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ended();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended();
    }
  }

  private static long number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + field + " in " + json);
    }
    return Long.parseLong(m.group(1));
  }

  private static String code(String json) {
    Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  private static String status(String json) {
    return number(json, "status") + " " + code(json);
  }
}
