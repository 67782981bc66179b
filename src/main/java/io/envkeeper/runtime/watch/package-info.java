/**
 * Workspace watchers: one shared JDK WatchService whose thread only dispatches, each workspace's
 * events and walks run in order on its own serial executor over a small shared pool, bounded change
 * logs.
 */
package io.envkeeper.runtime.watch;
