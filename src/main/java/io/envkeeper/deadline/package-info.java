/** Bounded waiting, shared by every feature: await with a deadline, and exponential backoff. */
package io.envkeeper.deadline;
