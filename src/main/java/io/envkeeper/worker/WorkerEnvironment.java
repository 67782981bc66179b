package io.envkeeper.worker;

import io.envkeeper.runtime.process.WorkerProperties;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The complete environment of a worker: only the allowlisted variables of the service's own
 * environment (never its secrets: database password, tokens), the profile's variables, and the
 * worker's identity.
 */
final class WorkerEnvironment {

  private WorkerEnvironment() {}

  static Map<String, String> of(
      WorkerProperties properties, WorkerProperties.Profile profile, Map<String, String> serviceEnvironment,
      UUID environmentId, UUID workerId, Path workspace) {
    Map<String, String> variables = new TreeMap<>();
    for (String name : properties.inheritEnv()) {
      String value = serviceEnvironment.get(name);
      if (value != null) {
        variables.put(name, value);
      }
    }
    variables.putAll(profile.env());
    variables.put(WorkerRecovery.ENVIRONMENT_ID_VARIABLE, environmentId.toString());
    variables.put(WorkerRecovery.WORKER_ID_VARIABLE, workerId.toString());
    variables.put("ENVKEEPER_WORKSPACE", workspace.toString());
    return variables;
  }
}
