package io.envkeeper.api;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One server-sent-event stream: its emitter, its drain (one at a time, on the sender pool, coalesced
 * by a {@link DrainSignal}) that sends the heartbeat comment when one is due and then what the kind
 * of stream has to send, and its one finish however it ends (completed, timed out, failed, closed by
 * the server).
 */
abstract class SseStream {

  final SseEmitter emitter;
  /** Set once, by the first {@link #finish()}; a finished stream sends nothing more. */
  final AtomicBoolean finished = new AtomicBoolean();
  private final DrainSignal drainSignal;
  private final String comment;
  private final AtomicBoolean commentDue = new AtomicBoolean(true);

  /** @param comment the heartbeat comment (the first one tells the client the stream is live) */
  SseStream(SseEmitter emitter, Executor sender, String comment) {
    this.emitter = emitter;
    this.drainSignal = new DrainSignal(sender, this::drain);
    this.comment = comment;
    emitter.onCompletion(this::finish);
    emitter.onTimeout(this::finish);
    emitter.onError(error -> finish());
  }

  /** Sends what is due, under the drain's lock, after the heartbeat comment if one was due. */
  abstract void send() throws IOException;

  /** Lets go of what the stream holds (subscriptions, its place in the registry); called once. */
  abstract void release();

  void heartbeat() {
    commentDue.set(true);
    scheduleDrain();
  }

  /** Ends the stream from the server side (shutdown, a revoked token). */
  void close() {
    emitter.complete();
    finish();
  }

  final void scheduleDrain() {
    drainSignal.raise();
  }

  private synchronized void drain() {
    drainSignal.taken();
    if (finished.get()) {
      return;
    }
    try {
      if (commentDue.getAndSet(false)) {
        emitter.send(SseEmitter.event().comment(comment));
      }
      send();
    } catch (IOException | IllegalStateException e) {
      // The client went away (or the emitter already completed): release everything.
      completeWithError(e);
      finish();
    }
  }

  private void completeWithError(Exception cause) {
    try {
      emitter.completeWithError(cause);
    } catch (IllegalStateException alreadyEnded) {
      // The container ended the request first (its onError has run): nothing is left to complete,
      // and an exception out of here would only kill a sender thread.
    }
  }

  /** Not synchronized: the emitter calls it from container threads while a drain may be sending. */
  final void finish() {
    if (finished.compareAndSet(false, true)) {
      release();
    }
  }
}
