/** Files and directories the service writes for itself: created and kept owner-only (0700/0600). */
package io.envkeeper.files;
