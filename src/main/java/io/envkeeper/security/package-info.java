/** Who is calling: bearer tokens (configured and issued), tenants and roles, request rate limits. */
package io.envkeeper.security;
