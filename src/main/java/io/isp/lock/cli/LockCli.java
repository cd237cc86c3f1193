package io.isp.lock.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.json.JsonObject;
import sun.misc.Signal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * {@code java -jar isp-lock-service.jar lock [--url URL] [--token T] [--ttl S] [--wait S] [--grace S]
 * KEY -- COMMAND [ARG...]}: holds KEY through a session while COMMAND runs, then releases it, like
 * {@code flock(1)} over the service. Exits with COMMAND's status, or:
 * <ul>
 *   <li>{@value #EX_USAGE} (EX_USAGE): a bad command line, or a KEY / --ttl / --wait the service refuses;</li>
 *   <li>{@value #EX_UNAVAILABLE} (EX_UNAVAILABLE): the service unreachable, the token refused, no
 *       session endpoint, or the service unable to lock (Redis away): COMMAND did not run;</li>
 *   <li>{@value #EX_LOCK_LOST}: the lock was lost while COMMAND ran (the service reported it lost, or
 *       the session ended or went silent): COMMAND got SIGTERM, SIGKILL after --grace;</li>
 *   <li>{@value #EX_TEMPFAIL} (EX_TEMPFAIL): KEY stayed held elsewhere for --wait: COMMAND did not run;</li>
 *   <li>{@value #EX_CANNOT_EXECUTE} / {@value #EX_NOT_FOUND}: COMMAND could not be started (as in shells);</li>
 *   <li>128 + N: signal N arrived before COMMAND started (nothing ran; the session's close gives up the wait).</li>
 * </ul>
 * Runs on the main thread, which may block; Vert.x's one event loop only posts to its queue.
 * Starts lean for scripts: no configuration or Logback set-up of the service is loaded.
 */
public final class LockCli {

  static final int EX_USAGE = 64;
  static final int EX_UNAVAILABLE = 69;
  static final int EX_LOCK_LOST = 70;
  static final int EX_TEMPFAIL = 75;
  static final int EX_CANNOT_EXECUTE = 126;
  static final int EX_NOT_FOUND = 127;

  static final String USAGE = """
    usage: java -jar isp-lock-service.jar lock [--url URL] [--token T] [--ttl S] [--wait S] [--grace S] KEY -- COMMAND [ARG...]
      Runs COMMAND while holding the lock KEY, then releases it; exits with COMMAND's status.
      --url URL    the service (default $ISP_LOCK_URL, else %s); https:// for TLS
      --token T    its X-Application-Token (default $ISP_LOCK_TOKEN)
      --ttl S      the lock's TTL in seconds (default %s): renewed while this command lives, it only
                   matters if the service node holding the session dies
      --wait S     how long to wait for KEY (default %s: try once; at most the service's lock.maxWaitTimeout)
      --grace S    after losing the lock, seconds between SIGTERM and SIGKILL to COMMAND (default %s)
    COMMAND gets ISP_LOCK_KEY and ISP_LOCK_FENCING_TOKEN in its environment.
    Exit: COMMAND's status; 64 bad usage; 69 service unavailable or token refused; 70 lock lost while
    COMMAND ran (COMMAND was stopped); 75 KEY held elsewhere for --wait (COMMAND not run);
    126/127 COMMAND could not be started.""".formatted(CliArguments.DEFAULT_URL, fmt(CliArguments.DEFAULT_TTL),
    fmt(CliArguments.DEFAULT_WAIT), fmt(CliArguments.DEFAULT_GRACE));

  /** Beyond --wait, how long the service may take to answer the lock request. */
  private static final long REPLY_MARGIN_MS = 30_000;
  /** How long to wait for the unlock's answer and the close; the session's close releases the lock anyway. */
  private static final long RELEASE_TIMEOUT_MS = 10_000;
  private static final long CLOSE_TIMEOUT_MS = 2_000;

  private final CliArguments arguments;
  private final BlockingQueue<CliEvent> events;
  private final SessionClient session;

  private LockCli(CliArguments arguments, BlockingQueue<CliEvent> events, SessionClient session) {
    this.arguments = arguments;
    this.events = events;
    this.session = session;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    CliArguments arguments;
    try {
      arguments = CliArguments.parse(args, env);
    } catch (CliArguments.HelpRequested help) {
      System.out.println(USAGE);
      return 0;
    } catch (CliArguments.UsageException e) {
      System.err.println("isp-lock: " + e.getMessage());
      System.err.println(USAGE);
      return EX_USAGE;
    }
    quietLibraries();
    BlockingQueue<CliEvent> events = new LinkedBlockingQueue<>();
    for (String signal : new String[] {"INT", "TERM", "HUP"}) {
      catchSignal(signal, events);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
      .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    int exitCode = new LockCli(arguments, events, new SessionClient(vertx, events)).holdWhileRunning();
    stop(vertx);
    return exitCode;
  }

  /**
   * Stops Vert.x before the JVM exits: the JVM's exit waits up to 300 ms for threads still in
   * native code, and an event loop waiting in epoll is one. Closing it first saves that time.
   */
  private static void stop(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // exiting anyway
    }
  }

  private int holdWhileRunning() {
    session.connect(arguments);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SessionClient.CONNECT_TIMEOUT_MS + 5_000);
    while (true) {
      CliEvent event = next(deadline);
      if (event == null) {
        return unavailable("no session with " + arguments.url() + " within " + (SessionClient.CONNECT_TIMEOUT_MS / 1000) + " s");
      } else if (event instanceof CliEvent.Signalled signalled) {
        return 128 + signalled.number();
      } else if (event instanceof CliEvent.Connected connected) {
        if (connected.failure() != null) {
          return unavailable("cannot open a session at " + arguments.url() + ": " + SessionClient.describe(connected.failure()));
        }
        return lock();
      }
    }
  }

  private int lock() {
    long id = session.send(new JsonObject().put("op", "lock").put("key", arguments.key())
      .put("ttl", arguments.ttlSeconds()).put("waitTimeout", arguments.waitSeconds()));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.round(arguments.waitSeconds() * 1000) + REPLY_MARGIN_MS);
    while (true) {
      CliEvent event = next(deadline);
      if (event == null) {
        return close(unavailable("the service did not answer the lock request"));
      } else if (event instanceof CliEvent.Signalled signalled) {
        // closing the session cancels the waiting lock call (or releases a lock granted meanwhile)
        return close(128 + signalled.number());
      } else if (event instanceof CliEvent.SessionEnded ended) {
        return unavailable(ended.reason() + " before the lock was granted");
      } else if (event instanceof CliEvent.Reply reply && reply.id() == id) {
        return reply.body().getBoolean("ok", false) ? runHolding(reply.body()) : close(refused(reply.body()));
      }
    }
  }

  /** The lock request failed: which exit code, and the one line saying why. */
  private int refused(JsonObject reply) {
    int status = reply.getInteger("status", 0);
    String code = reply.getString("code", "error");
    String detail = reply.getString("detail", "");
    if ("lock_held".equals(code)) {
      System.err.println("isp-lock: '" + arguments.key() + "' is held elsewhere"
        + (arguments.waitSeconds() > 0 ? " (waited " + fmt(arguments.waitSeconds()) + " s)" : "") + "; not running the command");
      return EX_TEMPFAIL;
    }
    if (status == 400) {
      System.err.println("isp-lock: the service refused the request: " + code + ": " + detail);
      return EX_USAGE;
    }
    return unavailable("the service could not lock '" + arguments.key() + "': " + code + (detail.isEmpty() ? "" : ": " + detail));
  }

  private int runHolding(JsonObject grant) {
    Long fencingToken = grant.getLong("fencingToken");
    ChildCommand child;
    try {
      child = ChildCommand.start(arguments.command(), Map.of(
        "ISP_LOCK_KEY", arguments.key(),
        "ISP_LOCK_FENCING_TOKEN", fencingToken == null ? "" : fencingToken.toString()), events);
    } catch (IOException e) {
      System.err.println("isp-lock: cannot run " + arguments.command().get(0) + ": " + e.getMessage());
      release(0);
      return e.getMessage() != null && e.getMessage().contains("error=2,") ? EX_NOT_FOUND : EX_CANNOT_EXECUTE;
    }
    String lostBecause = null;
    long killAt = 0;
    boolean killed = false;
    while (true) {
      CliEvent event = lostBecause != null && !killed ? next(killAt) : next(Long.MAX_VALUE);
      if (event == null) {
        System.err.println("isp-lock: the command did not exit within " + fmt(arguments.graceSeconds()) + " s of SIGTERM: SIGKILL");
        child.kill();
        killed = true;
      } else if (event instanceof CliEvent.ChildExited exited) {
        if (lostBecause == null) {
          return release(exited.status());
        }
        child.awaitLeftovers(killAt);
        System.err.println("isp-lock: the command was stopped (status " + exited.status() + ") because the lock on '"
          + arguments.key() + "' was lost: " + lostBecause);
        return close(EX_LOCK_LOST);
      } else if (event instanceof CliEvent.Signalled signalled) {
        child.forward(signalled.name());
      } else if (lostBecause == null && (event instanceof CliEvent.Lost || event instanceof CliEvent.SessionEnded)) {
        lostBecause = event instanceof CliEvent.SessionEnded ended ? ended.reason()
          : "the service reported it lost (fencing token " + ((CliEvent.Lost) event).body().getValue("fencingToken") + ")";
        System.err.println("isp-lock: lost the lock on '" + arguments.key() + "': " + lostBecause
          + "; stopping the command (SIGTERM, SIGKILL after " + fmt(arguments.graceSeconds()) + " s)");
        child.terminate();
        killAt = System.nanoTime() + Math.round(arguments.graceSeconds() * 1e9);
      }
    }
  }

  /**
   * COMMAND exited: unlocks, and exits with its status. A lock found gone at the unlock means
   * someone else may have held it while COMMAND ran: 70, as for a loss reported during the run.
   */
  private int release(int status) {
    long id = session.send(new JsonObject().put("op", "unlock").put("key", arguments.key()));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELEASE_TIMEOUT_MS);
    while (true) {
      CliEvent event = next(deadline);
      if (event == null) {
        System.err.println("isp-lock: no answer to the unlock; closing the session releases the lock");
        return close(status);
      } else if (event instanceof CliEvent.Lost) {
        System.err.println("isp-lock: the lock on '" + arguments.key() + "' was lost before the command finished;"
          + " another holder may have run at the same time");
        return close(EX_LOCK_LOST);
      } else if (event instanceof CliEvent.SessionEnded ended) {
        System.err.println("isp-lock: " + ended.reason() + " before the unlock was confirmed; the service releases"
          + " the session's lock when it sees the close (or at the TTL)");
        return status;
      } else if (event instanceof CliEvent.Reply reply && reply.id() == id) {
        if (reply.body().getBoolean("ok", false)) {
          return close(status);
        }
        String code = reply.body().getString("code", "error");
        if ("not_held".equals(code) || "not_owner".equals(code)) {
          System.err.println("isp-lock: the lock on '" + arguments.key() + "' was no longer held when the command finished ("
            + code + "); another holder may have run at the same time");
          return close(EX_LOCK_LOST);
        }
        System.err.println("isp-lock: the unlock failed (" + code + ": " + reply.body().getString("detail", "")
          + "); closing the session releases the lock");
        return close(status);
      }
    }
  }

  /** Closes the session (bounded wait) and passes {@code exitCode} through. */
  private int close(int exitCode) {
    try {
      session.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the service releases the session's lock when the connection goes, closed cleanly or not
    }
    return exitCode;
  }

  private static int unavailable(String reason) {
    System.err.println("isp-lock: " + reason);
    return EX_UNAVAILABLE;
  }

  /** The next event, or null once {@code deadlineNanos} (System.nanoTime) has passed; Long.MAX_VALUE waits for ever. */
  private CliEvent next(long deadlineNanos) {
    try {
      if (deadlineNanos == Long.MAX_VALUE) {
        return events.take();
      }
      return events.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * SIGINT, SIGTERM and SIGHUP become events: passed on to COMMAND while it runs, ending the
   * command before. A signal the JVM may not handle (ignored when the command started, e.g. SIGINT
   * for a background job of a script) is left as it is.
   */
  private static void catchSignal(String name, BlockingQueue<CliEvent> events) {
    try {
      Signal.handle(new Signal(name), signal -> events.add(new CliEvent.Signalled(signal.getName(), signal.getNumber())));
    } catch (IllegalArgumentException e) {
      // not ours to handle
    }
  }

  /**
   * Vert.x and Netty log through java.util.logging, errors only, to stderr: Logback (which the
   * service sets up in code) would otherwise start unconfigured and print debug lines to the stdout
   * that COMMAND shares, and their warnings (a refused upgrade is also a "Connection evicted") would
   * come on top of the one line that says why. Netty's DNS resolver is skipped for the JDK's, and
   * Vert.x's file cache too: less to load at start.
   */
  private static void quietLibraries() {
    setIfAbsent("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    setIfAbsent("vertx.disableDnsResolver", "true");
    setIfAbsent("vertx.disableFileCPResolving", "true");
    setIfAbsent("vertx.disableFileCaching", "true");
    io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /** Seconds without a needless ".0". */
  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
