/** Running within the context's lifecycle, shared by every feature: phased start/stop, daemon threads. */
package io.envkeeper.lifecycle;
