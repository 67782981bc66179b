/** The HTTP contract of API.md: controllers, request/response records and problem+json mapping. */
package io.envkeeper.api;
