/** The embedded PostgreSQL used when no {@code spring.datasource.url} is configured. */
package io.envkeeper.embeddeddb;
