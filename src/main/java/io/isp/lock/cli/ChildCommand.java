package io.isp.lock.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * COMMAND, run while the lock is held: it inherits the lock command's stdin, stdout and stderr and
 * environment, plus {@code ISP_LOCK_KEY} and {@code ISP_LOCK_FENCING_TOKEN}; its exit is posted to
 * the main thread's queue.
 */
final class ChildCommand {

  private final Process process;
  /** The child's descendants when it was told to stop, so that they can be killed after it is gone. */
  private final List<ProcessHandle> stopping = new ArrayList<>();

  private ChildCommand(Process process) {
    this.process = process;
  }

  static ChildCommand start(List<String> command, Map<String, String> lockEnvironment, BlockingQueue<CliEvent> events)
    throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().putAll(lockEnvironment);
    Process process = builder.start();
    // Java reports a child killed by signal N as 128 + N, as shells do
    process.onExit().thenAccept(exited -> events.add(new CliEvent.ChildExited(exited.exitValue())));
    return new ChildCommand(process);
  }

  /**
   * Passes a signal the lock command received on to the child only, as a shell does to its
   * foreground job: the child decides what its own children get. SIGTERM is Process.destroy; the
   * others go through kill(1).
   */
  void forward(String signal) {
    if (!process.isAlive()) {
      return;
    }
    if (signal.equals("TERM")) {
      process.destroy();
      return;
    }
    try {
      new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start();
    } catch (IOException e) {
      System.err.println("isp-lock: cannot pass SIG" + signal + " on to the command: " + e.getMessage());
    }
  }

  /** The lock is lost: SIGTERM to the child and every process under it. */
  void terminate() {
    process.descendants().forEach(stopping::add);
    process.destroy();
    stopping.forEach(ProcessHandle::destroy);
  }

  /** The grace period is over: SIGKILL to the child and whatever of its tree is still there. */
  void kill() {
    process.descendants().forEach(stopping::add);
    process.destroyForcibly();
    stopping.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * After the child exited on a lost lock: waits until {@code deadlineNanos} for the processes it
   * left running to exit (they got SIGTERM with it), then SIGKILLs the rest.
   */
  void awaitLeftovers(long deadlineNanos) {
    for (ProcessHandle leftover : stopping) {
      long remaining = deadlineNanos - System.nanoTime();
      try {
        if (remaining > 0) {
          leftover.onExit().get(remaining, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        // still running at the deadline: killed below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopping.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
