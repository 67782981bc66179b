package io.envkeeper.environment;

import java.util.List;

/** One page of environments and the cursor of the next page ({@code null} on the last). */
public record EnvironmentPage(List<Environment> items, PageCursor nextCursor) {

  public EnvironmentPage {
    items = List.copyOf(items);
  }
}
