/** Environments: the persistent record, its one-way status machine, creation and destroy. */
package io.envkeeper.environment;
