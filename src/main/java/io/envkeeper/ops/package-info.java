/** Operations: metrics and health of the service itself. */
package io.envkeeper.ops;
