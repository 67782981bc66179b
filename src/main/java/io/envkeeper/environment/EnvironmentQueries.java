package io.envkeeper.environment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads environments. Reads touch the database only, never a runtime. */
@Service
@Transactional(readOnly = true)
public class EnvironmentQueries {

  private static final UUID NO_ID = new UUID(0, 0);

  private final EnvironmentRepository environments;

  EnvironmentQueries(EnvironmentRepository environments) {
    this.environments = environments;
  }

  /** The environment in whatever status it is. */
  public Environment get(UUID id) {
    return environments.findById(id).orElseThrow(() -> new EnvironmentNotFoundException(id));
  }

  /** The environment, refusing any that is not READY. */
  public Environment getReady(UUID id) {
    Environment environment = get(id);
    if (environment.getStatus() != EnvironmentStatus.READY) {
      throw new EnvironmentDestroyedException(id, environment.getStatus());
    }
    return environment;
  }

  /** One page in (createdAt, id) order. */
  public EnvironmentPage list(EnvironmentQuery query) {
    PageCursor after = query.after();
    List<Environment> rows =
        environments.findPage(
            query.status() == null ? null : query.status().name(),
            LabelsConverter.toJson(query.labels()),
            after != null,
            after == null ? Instant.EPOCH : after.createdAt(),
            after == null ? NO_ID : after.id(),
            query.limit() + 1);
    if (rows.size() <= query.limit()) {
      return new EnvironmentPage(rows, null);
    }
    List<Environment> page = rows.subList(0, query.limit());
    return new EnvironmentPage(page, PageCursor.after(page.get(page.size() - 1)));
  }
}
