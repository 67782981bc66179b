package io.envkeeper.api;

import io.envkeeper.runtime.events.EnvironmentEvent;
import io.envkeeper.runtime.events.EnvironmentEventListener;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.process.KeptLog;
import io.envkeeper.runtime.process.LogListener;
import io.envkeeper.runtime.process.WorkerLog;
import io.envkeeper.worker.WorkerEvent;
import io.envkeeper.worker.WorkerLogSource;
import io.envkeeper.worker.WorkerStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's {@code …/workers/{wid}/log?follow=true} stream. The output pump only signals it
 * ({@link LogListener}); sending happens on the stream executor, one drain at a time, reading the
 * log files from the last offset sent. Nothing is queued per stream beyond one read buffer, so a
 * slow client costs no memory and never holds up the pump: one that falls behind the rotation gets
 * a {@code truncated} event and goes on from the oldest line still kept.
 *
 * <p>The end comes from two sides: the worker's committed end (its {@code worker} event on the
 * environment bus, or its row when the stream opens) and the end of its output (the log closed at
 * EOF). Only when both happened, and every byte was sent, does the {@code exit} event go out.
 */
final class LogStream extends SseStream implements EnvironmentEventListener {

  static final String LINE_EVENT = "line";
  static final String TRUNCATED_EVENT = "truncated";
  static final String EXIT_EVENT = "exit";
  /** A line longer than this is sent in pieces of this size (each its own {@code line} event). */
  static final int MAX_LINE_BYTES = 64 * 1024;
  /** Bytes sent per drain before the next one is scheduled, so one stream does not hog a sender. */
  private static final int BATCH_BYTES = 4 * MAX_LINE_BYTES;
  /**
   * Heartbeats after the worker's end to wait for the end of its output: a descendant that keeps
   * the output pipe open does not hold the {@code exit} event back longer than this.
   */
  private static final int HEARTBEATS_AFTER_EXIT = 2;

  private final UUID environmentId;
  private final UUID workerId;
  private final EnvironmentEvents events;
  private final Consumer<LogStream> onFinish;
  private final Long resumeFrom;
  private final Integer tail;
  private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE_BYTES);
  private volatile WorkerLogSource source;
  private final Supplier<Optional<WorkerLog>> currentLog;
  /** The log of the worker's current process this stream follows (a restart opens another). */
  private volatile Attached live;
  private final Object attaching = new Object();
  private volatile WorkerEvent exit;
  private volatile boolean outputEnded;
  private volatile int heartbeatsSinceExit;
  private boolean positioned;
  private long offset;

  LogStream(
      UUID environmentId, UUID workerId, Long resumeFrom, Integer tail, EnvironmentEvents events, SseEmitter emitter,
      Executor sender, Supplier<Optional<WorkerLog>> currentLog, Consumer<LogStream> onFinish) {
    super(emitter, sender, "envkeeper worker " + workerId);
    this.environmentId = environmentId;
    this.currentLog = currentLog;
    this.workerId = workerId;
    this.resumeFrom = resumeFrom;
    this.tail = tail;
    this.events = events;
    this.onFinish = onFinish;
  }

  /** Subscribes to the worker's end before its row is read, so an end in between is not missed. */
  void subscribe() {
    events.subscribe(environmentId, this);
  }

  /** Starts sending from the worker as {@code source} found it (read after {@link #subscribe}). */
  void start(WorkerLogSource found) {
    this.source = found;
    WorkerEvent row = found.state();
    if (row.status().isTerminal() && exit == null) {
      exit = row;
    }
    attach(found.liveLog().orElse(null));
  }

  /**
   * Follows {@code log}, the log of the worker's current process: a restarted worker writes through
   * a new one (appending to the same file, offsets going on), and only the current one's end counts
   * as the end of the output.
   */
  private void attach(WorkerLog log) {
    // Its own lock, not the drain's: the event bus calls this and must not wait for a slow client.
    synchronized (attaching) {
      Attached previous = live;
      if (previous != null && previous.log == log) {
        return;
      }
      Attached next = log == null ? null : new Attached(log);
      live = next;
      outputEnded = next == null || !log.follow(next);
      if (previous != null) {
        previous.log.unfollow(previous);
      }
    }
    scheduleDrain();
  }

  @Override
  public void eventPublished(EnvironmentEvent event) {
    if (!(event.data() instanceof WorkerEvent worker) || !worker.workerId().equals(workerId)) {
      return;
    }
    if (worker.status().isTerminal()) {
      exit = worker;
      scheduleDrain();
    } else if (worker.status() == WorkerStatus.RUNNING && source != null && !finished.get()) {
      // Running again after a restart: its new process writes through a new log.
      currentLog.get().ifPresent(this::attach);
    }
  }

  /** One followed log: its end ends the output only while it is the current process's. */
  private final class Attached implements LogListener {
    private final WorkerLog log;

    Attached(WorkerLog log) {
      this.log = log;
    }

    @Override
    public void appended() {
      scheduleDrain();
    }

    @Override
    public void ended() {
      if (live == this) {
        outputEnded = true;
      }
      scheduleDrain();
    }
  }

  @Override
  void heartbeat() {
    if (exit != null && !outputEnded && ++heartbeatsSinceExit >= HEARTBEATS_AFTER_EXIT) {
      outputEnded = true;
    }
    super.heartbeat();
  }

  @Override
  void send() throws IOException {
    if (source == null) {
      return; // not started yet: start() schedules the first real drain
    }
    // Read before the files: every byte written before the output ended is in them by now.
    boolean done = outputEnded && exit != null;
    if (sendAvailable(done)) {
      scheduleDrain(); // more to send: let other streams have the sender first
      return;
    }
    if (done) {
      WorkerEvent ended = exit;
      emitter.send(SseEmitter.event().name(EXIT_EVENT)
          .data(new WorkerLogMessages.Exit(ended.status(), ended.exitCode(), ended.signal()), MediaType.APPLICATION_JSON));
      emitter.complete();
      finish();
    }
  }

  /**
   * Sends the lines kept after the offset, at most one batch.
   *
   * @param last the output has ended: a last line without its newline is sent too
   * @return whether the batch was used up with more to send
   */
  private boolean sendAvailable(boolean last) throws IOException {
    KeptLog kept;
    try {
      kept = KeptLog.open(source.file());
    } catch (NoSuchFileException e) {
      return false; // no log (any more): nothing to send
    }
    try (kept) {
      if (!positioned) {
        offset = startOffset(kept);
        positioned = true;
      }
      if (offset < kept.start()) {
        long resumedAt = firstLineStart(kept);
        emitter.send(SseEmitter.event().id(Long.toString(resumedAt)).name(TRUNCATED_EVENT)
            .data(new WorkerLogMessages.Truncated(offset, resumedAt, resumedAt - offset), MediaType.APPLICATION_JSON));
        offset = resumedAt;
      }
      return sendLines(kept, last);
    }
  }

  private boolean sendLines(KeptLog kept, boolean last) throws IOException {
    long end = kept.end();
    long sent = 0;
    while (offset < end) {
      if (sent >= BATCH_BYTES) {
        return true;
      }
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), end - offset));
      int read = kept.read(offset, buffer);
      if (read <= 0) {
        return false;
      }
      byte[] bytes = buffer.array();
      int lineStart = 0;
      for (int i = 0; i < read; i++) {
        if (bytes[i] == '\n') {
          sendLine(bytes, lineStart, i, offset + i + 1);
          lineStart = i + 1;
        }
      }
      if (lineStart == 0 && (read == MAX_LINE_BYTES || (last && offset + read == end))) {
        sendLine(bytes, 0, read, offset + read); // a piece of an overlong line, or the unterminated last one
        lineStart = read;
      }
      if (lineStart == 0) {
        return false; // the rest is a line still being written
      }
      offset += lineStart;
      sent += lineStart;
    }
    return false;
  }

  private void sendLine(byte[] bytes, int from, int to, long after) throws IOException {
    String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
    emitter.send(SseEmitter.event().id(Long.toString(after)).name(LINE_EVENT)
        .data(new WorkerLogMessages.Line(text), MediaType.APPLICATION_JSON));
  }

  /** Where a new stream starts: after {@code Last-Event-ID}, at the last {@code tail} lines, or at the oldest line. */
  private long startOffset(KeptLog kept) throws IOException {
    if (resumeFrom != null) {
      return resumeFrom;
    }
    if (tail != null) {
      long start = tailStart(kept, tail);
      return start > kept.start() ? start : firstLineStart(kept);
    }
    return firstLineStart(kept);
  }

  /** The oldest offset that begins a whole line (a rotation may have cut the first one). */
  private long firstLineStart(KeptLog kept) throws IOException {
    if (kept.startsAtLine()) {
      return kept.start();
    }
    long end = kept.end();
    for (long at = kept.start(); at < end; ) {
      buffer.clear();
      int read = kept.read(at, buffer);
      if (read <= 0) {
        break;
      }
      for (int i = 0; i < read; i++) {
        if (buffer.get(i) == '\n') {
          return at + i + 1;
        }
      }
      at += read;
    }
    return kept.start(); // one line fills what is kept: send it from where it is kept
  }

  /** The offset where the last {@code lines} lines begin (a last line without newline counts). */
  private long tailStart(KeptLog kept, int lines) throws IOException {
    long end = kept.end();
    long scanEnd = end;
    if (end > kept.start()) {
      buffer.clear();
      buffer.limit(1);
      if (kept.read(end - 1, buffer) == 1 && buffer.get(0) == '\n') {
        scanEnd = end - 1; // the newline ending the last line starts no new one
      }
    }
    int newlines = 0;
    for (long chunkEnd = scanEnd; chunkEnd > kept.start(); ) {
      long chunkStart = Math.max(kept.start(), chunkEnd - buffer.capacity());
      buffer.clear();
      buffer.limit((int) (chunkEnd - chunkStart));
      int read = kept.read(chunkStart, buffer);
      for (int i = read - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n' && ++newlines == lines) {
          return chunkStart + i + 1;
        }
      }
      chunkEnd = chunkStart;
    }
    return kept.start();
  }

  @Override
  void release() {
    Attached attached = live;
    if (attached != null) {
      attached.log.unfollow(attached);
    }
    events.unsubscribe(environmentId, this);
    onFinish.accept(this);
  }
}
