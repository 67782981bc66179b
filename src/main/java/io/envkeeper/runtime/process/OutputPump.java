package io.envkeeper.runtime.process;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.constants.platform.Errno;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker output read on the reaper's loop: one chunk per ready pipe per turn, so a chatty worker
 * never starves the others, passed to the pipe's {@link OutputSink} until EOF. Pipes are added from
 * any thread; reading and closing happen on the loop only.
 */
final class OutputPump {

  private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
  /** Most bytes read from one pipe per turn of the loop. */
  private static final int CHUNK = 16 * 1024;

  private final NativeProcesses natives;
  private final POSIX posix;
  private final Map<Integer, OutputSink> sinks = new ConcurrentHashMap<>();
  /** The loop's own buffer: a sink must not keep it. */
  private final byte[] chunk = new byte[CHUNK];

  OutputPump(NativeProcesses natives) {
    this.natives = natives;
    this.posix = natives.posix();
  }

  /**
   * Watches the non-blocking read end {@code fd} in {@code epfd} with {@code token}.
   *
   * @return false if the kernel refused (out of memory): the caller keeps the descriptor
   */
  boolean add(int epfd, int fd, long token, OutputSink sink) {
    sinks.put(fd, sink);
    if (natives.epollAdd(epfd, fd, token)) {
      return true;
    }
    sinks.remove(fd);
    return false;
  }

  int size() {
    return sinks.size();
  }

  /** The pipe {@code fd} is ready: one read, passed on; at EOF (or a sink that stops) it is closed. */
  void readOnce(int epfd, int fd) {
    OutputSink sink = sinks.get(fd);
    if (sink == null) {
      return;
    }
    int n = posix.read(fd, chunk, chunk.length);
    if (n > 0) {
      if (!accept(sink, n)) {
        end(epfd, fd, sink);
      }
      return;
    }
    int errno = n < 0 ? posix.errno() : 0;
    if (n < 0 && (errno == Errno.EAGAIN.intValue() || errno == Errno.EINTR.intValue())) {
      return;
    }
    end(epfd, fd, sink); // EOF: every holder of the write end (the worker and its children) is gone
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
    sinks.remove(fd);
    natives.epollDelete(epfd, fd);
    posix.close(fd);
    try {
      sink.ended();
    } catch (RuntimeException e) {
      log.error("reaper: an output sink failed at its end", e);
    }
  }
}
