package io.envkeeper.environment;

import java.util.UUID;

/** Published once READY -> DESTROYING is committed, so the reconciler can act at once. */
public record DestroyAcceptedEvent(UUID environmentId) {}
