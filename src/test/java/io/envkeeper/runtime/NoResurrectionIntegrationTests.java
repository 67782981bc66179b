package io.envkeeper.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.runtime.watch.WorkspaceWatchers;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.InotifyWatches;
import io.envkeeper.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The failure Envkeeper exists to prevent: polls re-creating runtimes of destroyed environments. */
class NoResurrectionIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired RuntimeManager runtimes;
  @Autowired WorkspaceWatchers watchers;
  @Autowired MeterRegistry meters;

  /** The seed scenario: 300 destroyed environments polled from 8 threads. */
  @Test
  void pollsOfThreeHundredDestroyedEnvironmentsAnswerGoneAndCreateNothing() throws Exception {
    long watchesBefore = InotifyWatches.watches();
    int keysBefore = watchers.registeredKeys();
    List<UUID> ids = new ArrayList<>();
    ExecutorService pollers = Executors.newFixedThreadPool(8);
    try {
      Callable<UUID> create = () -> UUID.fromString(api().post(BASE, "{\"name\":\"seed\"}").json().get("id").asString());
      for (Future<UUID> created : pollers.invokeAll(Collections.nCopies(300, create))) {
        ids.add(created.get());
      }
      assertThat(watchers.registeredKeys()).isEqualTo(keysBefore + 300);
      List<Callable<Integer>> destroys =
          ids.stream().map(id -> (Callable<Integer>) () -> api().delete(BASE + "/" + id + "?wait=PT30S").status()).toList();
      for (Future<Integer> destroyed : pollers.invokeAll(destroys)) {
        assertThat(destroyed.get()).isEqualTo(200);
      }
      double blockedBefore = blockedResurrections();

      Set<Integer> statuses = ConcurrentHashMap.newKeySet();
      List<Callable<Void>> polls = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        polls.add(() -> {
          for (UUID id : ids) {
            statuses.add(api().get(BASE + "/" + id + "/workspace").status());
            try (EventStreamClient events = EventStreamClient.connect(api().uri(BASE + "/" + id + "/events"), null)) {
              statuses.add(events.status());
            }
          }
          return null;
        });
      }
      for (Future<Void> poll : pollers.invokeAll(polls)) {
        poll.get();
      }

      assertThat(statuses).containsOnly(410);
      assertThat(runtimes.liveIds()).doesNotContainAnyElementsOf(ids);
      assertThat(watchers.registeredKeys()).isEqualTo(keysBefore);
      assertThat(InotifyWatches.watches()).isEqualTo(watchesBefore);
      // The 410 guard answers first; nothing even reached the RuntimeManager.
      assertThat(blockedResurrections()).isEqualTo(blockedBefore);
    } finally {
      pollers.shutdownNow();
    }
  }

  /** Polls hammering environments while they are destroyed: no runtime survives its destroy. */
  @Test
  void pollsRacingDestroysNeverLeaveARuntimeBehind() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(UUID.fromString(api().post(BASE, "{\"name\":\"race\"}").json().get("id").asString()));
    }
    AtomicBoolean polling = new AtomicBoolean(true);
    Set<Integer> statuses = ConcurrentHashMap.newKeySet();
    ExecutorService pollers = Executors.newFixedThreadPool(8);
    List<Future<?>> running = new ArrayList<>();
    for (int thread = 0; thread < 6; thread++) {
      running.add(pollers.submit(() -> {
        while (polling.get()) {
          for (UUID id : ids) {
            statuses.add(api().get(BASE + "/" + id + "/workspace").status());
          }
        }
      }));
    }
    try {
      List<Future<ApiClient.Response>> destroys = new ArrayList<>();
      ExecutorService destroyers = Executors.newFixedThreadPool(2);
      for (UUID id : ids) {
        destroys.add(destroyers.submit(() -> api().delete(BASE + "/" + id)));
      }
      for (Future<ApiClient.Response> destroy : destroys) {
        assertThat(destroy.get().status()).isIn(200, 202);
      }
      destroyers.shutdown();
      await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
          .allMatch(id -> api().get(BASE + "/" + id).json().get("status").asString().equals("DESTROYED")));
    } finally {
      polling.set(false);
      for (Future<?> poller : running) {
        poller.get();
      }
      pollers.shutdown();
    }

    assertThat(statuses).isSubsetOf(200, 410);
    assertThat(runtimes.liveIds()).doesNotContainAnyElementsOf(ids);
    assertThat(ids).allMatch(runtimes::isTombstoned);
  }

  private double blockedResurrections() {
    return meters.get("envkeeper.resurrections.blocked").counter().count();
  }
}
