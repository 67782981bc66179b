package io.envkeeper.runtime.process;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.constants.platform.Errno;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker output read on the reaper's loop: one chunk per ready pipe per turn, so a chatty worker
 * never starves the others, passed to the pipe's {@link OutputSink} until EOF; and what a process
 * left in its pipes when it exits, before its exit is passed on ({@link #drainOf}). Pipes are added
 * from any thread; reading and closing happen on the loop only.
 */
final class OutputPump {

  private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
  /** Most bytes read from one pipe per turn of the loop. */
  private static final int CHUNK = 16 * 1024;
  /**
   * Most chunks read from an exited process's pipe at once: 1 MiB, Linux's largest pipe by default
   * (fs.pipe-max-size), so all it wrote before exiting. A descendant that keeps writing into the
   * pipe cannot hold the loop longer than that; the rest comes in later turns.
   */
  private static final int MAX_CHUNKS_AT_EXIT = 64;

  private final NativeProcesses natives;
  private final POSIX posix;
  private final Map<Integer, Pipe> pipes = new ConcurrentHashMap<>();
  /** The loop's own buffer: a sink must not keep it. */
  private final byte[] chunk = new byte[CHUNK];

  OutputPump(NativeProcesses natives) {
    this.natives = natives;
    this.posix = natives.posix();
  }

  /** A watched read end: where its bytes go, and the process whose output it is. */
  private record Pipe(OutputSink sink, int pid) {}

  /**
   * Watches the non-blocking read end {@code fd} of process {@code pid}'s output in {@code epfd}
   * with {@code token}.
   *
   * @return false if the kernel refused (out of memory): the caller keeps the descriptor
   */
  boolean add(int epfd, int fd, long token, OutputSink sink, int pid) {
    pipes.put(fd, new Pipe(sink, pid));
    if (natives.epollAdd(epfd, fd, token)) {
      return true;
    }
    pipes.remove(fd);
    return false;
  }

  int size() {
    return pipes.size();
  }

  /** The pipe {@code fd} is ready: one read, passed on; at EOF (or a sink that stops) it is closed. */
  void readOnce(int epfd, int fd) {
    Pipe pipe = pipes.get(fd);
    if (pipe != null) {
      read(epfd, fd, pipe.sink());
    }
  }

  /**
   * Process {@code pid} exited: what it wrote is in its pipes, read now (up to a bound) so that
   * whoever hears of its exit next finds all its output (a client reading the log of an EXITED
   * worker used to miss the last lines still in the pipe).
   */
  void drainOf(int epfd, int pid) {
    pipes.forEach((fd, pipe) -> {
      boolean more = pipe.pid() == pid;
      for (int chunks = 0; more && chunks < MAX_CHUNKS_AT_EXIT; chunks++) {
        more = read(epfd, fd, pipe.sink());
      }
    });
  }

  /** One read of {@code fd}; true if it passed a full chunk on (more may be waiting). */
  private boolean read(int epfd, int fd, OutputSink sink) {
    int n = posix.read(fd, chunk, chunk.length);
    if (n > 0) {
      if (!accept(sink, n)) {
        end(epfd, fd, sink);
        return false;
      }
      return n == chunk.length;
    }
    int errno = n < 0 ? posix.errno() : 0;
    if (n < 0 && (errno == Errno.EAGAIN.intValue() || errno == Errno.EINTR.intValue())) {
      return false;
    }
    end(epfd, fd, sink); // EOF: every holder of the write end (the worker and its children) is gone
    return false;
  }

  private boolean accept(OutputSink sink, int length) {
    try {
      return sink.received(chunk, length);
    } catch (RuntimeException e) {
      log.error("reaper: an output sink failed; its pipe is closed", e);
      return false;
    }
  }

  private void end(int epfd, int fd, OutputSink sink) {
    pipes.remove(fd);
    natives.epollDelete(epfd, fd);
    posix.close(fd);
    try {
      sink.ended();
    } catch (RuntimeException e) {
      log.error("reaper: an output sink failed at its end", e);
    }
  }
}
