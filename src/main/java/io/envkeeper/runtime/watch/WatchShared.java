package io.envkeeper.runtime.watch;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every watcher shares: the watch loop, the ignore rules, the settings, the scheduler that
 * keeps time for retries and polls, the counters, the clock, and the thread that writes manifests.
 */
record WatchShared(
    WatchLoop loop,
    IgnoreRules ignore,
    WatchProperties properties,
    ScheduledExecutorService scheduler,
    WatchStats stats,
    Clock clock,
    Executor manifestWriter) {}
