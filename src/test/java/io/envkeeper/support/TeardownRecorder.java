package io.envkeeper.support;

import io.envkeeper.environment.TeardownStep;
import io.envkeeper.environment.TeardownTarget;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * A test-only teardown step that counts how often each environment is torn down, and fails on
 * demand for chosen ids (with an exception, or with an Error) (to drive the "teardown failed, stays DESTROYING" path).
 */
public class TeardownRecorder implements TeardownStep {

  private final Map<UUID, AtomicInteger> teardowns = new ConcurrentHashMap<>();
  private final Map<UUID, String> threads = new ConcurrentHashMap<>();
  private final Set<UUID> failing = ConcurrentHashMap.newKeySet();
  private final Set<UUID> erring = ConcurrentHashMap.newKeySet();

  @Override
  public void tearDown(TeardownTarget target) {
    teardowns.computeIfAbsent(target.id(), id -> new AtomicInteger()).incrementAndGet();
    threads.put(target.id(), Thread.currentThread().getName());
    if (failing.contains(target.id())) {
      throw new IllegalStateException("teardown made to fail by the test");
    }
    if (erring.contains(target.id())) {
      // What a recursive delete of a very deep tree threw: an Error, not an Exception.
      throw new StackOverflowError("teardown made to overflow by the test");
    }
  }

  public int teardowns(UUID id) {
    AtomicInteger count = teardowns.get(id);
    return count == null ? 0 : count.get();
  }

  /** The name of the thread that ran the latest teardown of this id, or null. */
  public String threadOf(UUID id) {
    return threads.get(id);
  }

  public void failFor(UUID id) {
    failing.add(id);
  }

  /** Makes the step throw an {@link Error} (a StackOverflowError) for this id. */
  public void errFor(UUID id) {
    erring.add(id);
  }

  public void stopFailingFor(UUID id) {
    failing.remove(id);
    erring.remove(id);
  }

  /** Registers the recorder as the first teardown step. */
  @TestConfiguration(proxyBeanMethods = false)
  public static class Config {
    @Bean
    @Order(0)
    TeardownRecorder teardownRecorder() {
      return new TeardownRecorder();
    }
  }
}
