/** Worker OS processes: spawning, the stop protocol, and the scoped reaper that collects them. */
package io.envkeeper.runtime.process;
