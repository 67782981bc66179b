/** In-memory runtimes of READY environments and the guards that keep destroyed ones dead. */
package io.envkeeper.runtime;
