/**
 * The Envkeeper API from TypeScript: `createEnvkeeperClient` gives a typed fetch client (openapi-fetch
 * over the types openapi-typescript generated from the service's OpenAPI description), and
 * `environmentEvents` follows an environment's event stream and `workerLog` / `workerLogLines` a worker's
 * log, both resuming with `Last-Event-ID`.
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

export type { components, operations, paths } from "./generated/schema.js";
export {
  parseEventStream,
  resumingEventStream,
  StreamOpenError,
  type ReconnectOptions,
  type ServerSentEvent,
  type StreamOpener,
} from "./sse.js";
export {
  environmentEvents,
  workerLog,
  workerLogLines,
  type EnvironmentEvent,
  type WorkerLogEvent,
  type WorkerLogOptions,
} from "./events.js";

type Schemas = components["schemas"];
export type Environment = Schemas["EnvironmentResponse"];
export type EnvironmentStatus = Schemas["EnvironmentStatus"];
export type Worker = Schemas["WorkerResponse"];
export type WorkerStatus = Schemas["WorkerStatus"];
export type Workspace = Schemas["WorkspaceResponse"];
export type WorkspaceChange = Schemas["WorkspaceChange"];
export type Problem = Schemas["Problem"];
export type ProblemCode = Schemas["ProblemCode"];

/** The typed client: `client.GET("/api/v1/environments/{id}", { params: { path: { id } } })`. */
export type EnvkeeperClient = Client<paths>;

export interface EnvkeeperClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Where the service answers, e.g. `http://localhost:8080` (the paths start with `/api/v1`). */
  baseUrl: string;
  /** A bearer token (`ek_...`). */
  token: string;
}

/** A client that sends `Authorization: Bearer <token>` on every call. */
export function createEnvkeeperClient({ baseUrl, token, headers, ...options }: EnvkeeperClientOptions): EnvkeeperClient {
  return createClient<paths>({
    ...options,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    headers: { ...(headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` },
  });
}

/** True when a value is a problem+json body of this API. */
export function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string";
}
