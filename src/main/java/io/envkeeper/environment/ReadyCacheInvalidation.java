package io.envkeeper.environment;

import jakarta.persistence.PostRemove;
import jakarta.persistence.PostUpdate;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Entity listener of {@link Environment}: a row changed in this process is dropped from the
 * {@link ReadyEnvironmentCache} at its flush and again after its transaction ends (a poll that read
 * the old committed row between the two must not keep it), so the request that made the change
 * answers only after the cache has forgotten the row.
 */
@Component
class ReadyCacheInvalidation {

  private final ReadyEnvironmentCache cache;

  ReadyCacheInvalidation(ReadyEnvironmentCache cache) {
    this.cache = cache;
  }

  @PostUpdate
  @PostRemove
  void changed(Environment environment) {
    UUID id = environment.getId();
    cache.invalidate(id);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          cache.invalidate(id);
        }
      });
    }
  }
}
