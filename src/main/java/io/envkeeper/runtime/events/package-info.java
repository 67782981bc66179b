/**
 * Events of an environment that are not workspace changes ({@code expiring}, later {@code worker}):
 * published to the environment's open event streams without touching the change sequence.
 */
package io.envkeeper.runtime.events;
