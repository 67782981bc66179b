/** Workers as records: starting, stopping, listing and recovering worker processes of environments. */
package io.envkeeper.worker;
