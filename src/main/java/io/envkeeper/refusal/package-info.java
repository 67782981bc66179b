/** Refusals shared by every feature: a request turned down for a named reason with a stable code. */
package io.envkeeper.refusal;
