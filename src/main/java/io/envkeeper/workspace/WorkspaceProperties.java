package io.envkeeper.workspace;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where workspaces may live.
 *
 * @param roots Directories under which a client-supplied {@code path} must lie (checked on the
 *     real path, symlinks resolved). Default: the user's home directory.
 * @param managedRoot Directory in which the service creates managed workspaces
 *     ({@code <managed-root>/<id>}, owner-only permissions). Default: {@code <data-dir>/workspaces}.
 */
@ConfigurationProperties("envkeeper.workspace")
@Validated
public record WorkspaceProperties(@NotEmpty List<Path> roots, @NotNull Path managedRoot) {

  public WorkspaceProperties {
    roots = List.copyOf(roots);
  }
}
