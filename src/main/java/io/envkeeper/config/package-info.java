/** Cross-cutting beans and the service-wide configuration properties. */
package io.envkeeper.config;
