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
}
