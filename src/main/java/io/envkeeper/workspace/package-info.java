/** Workspace directories: the path policy for client paths and the managed directories' life. */
package io.envkeeper.workspace;
