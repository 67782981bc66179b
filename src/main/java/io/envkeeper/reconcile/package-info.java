/** The level-triggered reconciler that converges in-memory runtimes and destroys to the database. */
package io.envkeeper.reconcile;
