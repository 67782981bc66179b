package io.envkeeper.api;

import java.util.List;

/** Answer to {@code GET /admin/tokens}: every issued token, revoked ones included, oldest first. */
public record TokenListResponse(List<TokenResponse> items) {

  public TokenListResponse {
    items = List.copyOf(items);
  }
}
