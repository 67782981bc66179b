package io.envkeeper.security;

import java.util.UUID;

/** A token of the {@code client_token} table was revoked (published inside the revoking transaction). */
public record TokenRevokedEvent(UUID tokenId) {}
