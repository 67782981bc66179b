package io.envkeeper.runtime;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Ids of environments whose runtime has been torn down in this process. Checked, under the
 * environment's lock, before anything live (watcher, worker) is created: once an id is here, it
 * stays here for the life of the process, whatever the database answers.
 */
@Component
public class Tombstones {

  private final Set<UUID> ids = ConcurrentHashMap.newKeySet();

  /** Marks the environment as torn down; one-way. */
  public void add(UUID id) {
    ids.add(id);
  }

  public boolean contains(UUID id) {
    return ids.contains(id);
  }
}
