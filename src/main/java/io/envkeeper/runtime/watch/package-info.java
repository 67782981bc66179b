/** Workspace watchers: one shared JDK WatchService, recursive registration, bounded change logs. */
package io.envkeeper.runtime.watch;
