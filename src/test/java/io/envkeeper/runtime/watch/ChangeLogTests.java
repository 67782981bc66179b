package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeLogTests {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void seqIsMonotonicAndSinceReturnsLaterChanges() {
    ChangeLog log = new ChangeLog(10, Duration.ZERO);
    log.append(ChangeKind.CREATE, "a", T0);
    log.append(ChangeKind.MODIFY, "a", T0);
    log.append(ChangeKind.DELETE, "a", T0);

    assertThat(log.since(0)).extracting(WorkspaceChange::seq).containsExactly(1L, 2L, 3L);
    assertThat(log.since(2)).extracting(WorkspaceChange::kind).containsExactly(ChangeKind.DELETE);
    assertThat(log.since(3)).isEmpty();
    assertThat(log.lastSeq()).isEqualTo(3);
  }

  @Test
  void droppedChangesAreSignalledByAnOverflowMarker() {
    ChangeLog log = new ChangeLog(3, Duration.ZERO);
    for (int i = 1; i <= 5; i++) {
      log.append(ChangeKind.CREATE, "f" + i, T0);
    }

    List<WorkspaceChange> fromStart = log.since(0);

    assertThat(fromStart.get(0).kind()).isEqualTo(ChangeKind.OVERFLOW);
    assertThat(fromStart.get(0).seq()).isEqualTo(2); // the last dropped one
    assertThat(fromStart).extracting(WorkspaceChange::path).containsExactly("", "f3", "f4", "f5");
    assertThat(log.since(2)).extracting(WorkspaceChange::path).containsExactly("f3", "f4", "f5");
  }

  @Test
  void sameChangeWithinTheWindowIsCoalescedButNotAfterIt() {
    ChangeLog log = new ChangeLog(10, Duration.ofMillis(50));
    log.append(ChangeKind.MODIFY, "a", T0);
    log.append(ChangeKind.MODIFY, "a", T0.plusMillis(10));
    log.append(ChangeKind.MODIFY, "b", T0.plusMillis(20));
    log.append(ChangeKind.MODIFY, "a", T0.plusMillis(100));

    assertThat(log.since(0)).extracting(c -> c.path() + "@" + c.seq()).containsExactly("a@1", "b@2", "a@3");
  }

  @Test
  void zeroWindowKeepsEveryChange() {
    ChangeLog log = new ChangeLog(10, Duration.ZERO);
    log.append(ChangeKind.MODIFY, "a", T0);
    log.append(ChangeKind.MODIFY, "a", T0);

    assertThat(log.since(0)).hasSize(2);
  }

  @Test
  void subscribersHearAppendsAndTheCloseOnceAndNoneAfter() {
    ChangeLog log = new ChangeLog(10, Duration.ZERO);
    AtomicInteger available = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    ChangeSubscriber subscriber = new ChangeSubscriber() {
      @Override
      public void changesAvailable() {
        available.incrementAndGet();
      }

      @Override
      public void closed() {
        closed.incrementAndGet();
      }

      @Override
      public void sealed() {
        throw new AssertionError("a destroyed log is not sealed");
      }
    };
    assertThat(log.subscribe(subscriber)).isTrue();

    log.append(ChangeKind.CREATE, "a", T0);
    log.close();
    log.close();
    log.append(ChangeKind.CREATE, "b", T0);

    assertThat(available).hasValue(1);
    assertThat(closed).hasValue(1);
    assertThat(log.subscribe(subscriber)).isFalse();
    assertThat(log.subscriberCount()).isZero();
  }

  // --- a run that resumes an earlier one ------------------------------------------------------

  @Test
  void aRunAfterAnOrderlyStopContinuesTheSequenceAndAnswersTheOldCursorExactly() {
    ChangeLog log = new ChangeLog(10, Duration.ZERO, counterFrom(12), new FeedStart(12, 12, false), T0);
    assertThat(log.lastSeq()).isEqualTo(12);

    log.append(ChangeKind.CREATE, "made-while-down", T0);

    assertThat(log.since(12)).extracting(c -> c.kind() + " " + c.path() + "@" + c.seq())
        .containsExactly("CREATE made-while-down@13");
    assertThat(log.since(5)).extracting(WorkspaceChange::kind).containsExactly(ChangeKind.OVERFLOW, ChangeKind.CREATE);
    assertThat(log.since(5).get(0).seq()).isEqualTo(12);
  }

  @Test
  void aRunAfterACrashAnswersTheManifestsSeqExactlyAndEveryOtherOldCursorWithAnOverflowFirst() {
    // The previous run reserved up to 1000 and wrote its last manifest at 40; this run starts on 1001.
    ChangeLog log = new ChangeLog(10, Duration.ZERO, counterFrom(1001), new FeedStart(1001, 40, false), T0);

    log.append(ChangeKind.MODIFY, "a", T0);

    assertThat(log.since(40)).extracting(WorkspaceChange::seq).containsExactly(1002L);
    for (long stale : new long[] {0, 39, 41, 997, 1000}) {
      List<WorkspaceChange> answer = log.since(stale);
      assertThat(answer.get(0).kind()).as("cursor %d", stale).isEqualTo(ChangeKind.OVERFLOW);
      assertThat(answer.get(0).seq()).isEqualTo(1001);
      assertThat(answer).extracting(WorkspaceChange::seq).containsExactly(1001L, 1002L);
    }
    assertThat(log.since(1001)).extracting(WorkspaceChange::seq).containsExactly(1002L);
  }

  @Test
  void theExactResumeEndsOnceTheRunDropsItsFirstChange() {
    ChangeLog log = new ChangeLog(2, Duration.ZERO, counterFrom(12), new FeedStart(12, 12, false), T0);
    log.append(ChangeKind.CREATE, "a", T0);
    log.append(ChangeKind.CREATE, "b", T0);
    log.append(ChangeKind.CREATE, "c", T0);

    assertThat(log.since(12)).extracting(WorkspaceChange::kind)
        .containsExactly(ChangeKind.OVERFLOW, ChangeKind.CREATE, ChangeKind.CREATE);
  }

  @Test
  void aChangeWithoutASeqIsNeverLostSilently() {
    AtomicInteger calls = new AtomicInteger();
    // Seqs 1 and 2, then none once (the database is away), then 3 onwards.
    ChangeLog.SeqSource flaky = () -> switch (calls.incrementAndGet()) {
      case 1, 2 -> calls.get();
      case 3 -> -1;
      default -> calls.get() - 1;
    };
    ChangeLog log = new ChangeLog(10, Duration.ZERO, flaky, FeedStart.FRESH, T0);
    log.append(ChangeKind.CREATE, "a", T0);
    log.append(ChangeKind.CREATE, "b", T0);
    log.append(ChangeKind.CREATE, "lost", T0);
    assertThat(log.hasUnrecordedLoss()).isTrue();
    log.append(ChangeKind.CREATE, "after", T0);

    assertThat(log.since(2)).extracting(c -> c.kind() + " " + c.path() + "@" + c.seq())
        .containsExactly("OVERFLOW @3", "CREATE after@4");
    assertThat(log.hasUnrecordedLoss()).isFalse();
  }

  private static ChangeLog.SeqSource counterFrom(long last) {
    long[] seq = {last};
    return () -> ++seq[0];
  }
}
