// A small client generated from the ControlPlane's OpenAPI document (openapi-typescript types + openapi-fetch),
// compiled with tsc --strict and run against the real platform: what a user's generated client would do.
// Env: PCLOUD_URL, PCLOUD_TOKEN, PCLOUD_IMAGE (an image the engine holds), PCLOUD_APP (the app name to create).
// Prints one JSON object with what it saw; exits 1 on the first surprise.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type App = components["schemas"]["AppResponse"];
type Problem = components["schemas"]["ProblemDetails"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function fail(what: string, detail: unknown): never {
  console.error(JSON.stringify({ failed: what, detail }));
  process.exit(1);
}

const client = createClient<paths>({
  baseUrl: env("PCLOUD_URL"),
  headers: { Authorization: `Bearer ${env("PCLOUD_TOKEN")}` },
});

async function waitRunning(id: string, deadlineMs: number): Promise<App> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const { data, error } = await client.GET("/api/apps/{id}", { params: { path: { id } } });
    if (error) fail("getApp while deploying", error);
    if (data.status === "running" && data.currentRelease) return data;
    if (data.status === "failed") fail("the deploy failed", data);
    if (Date.now() > until) fail("not running before the deadline", data);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const created = await client.POST("/api/apps", { body: { name: env("PCLOUD_APP"), port: 8080 } });
if (created.error || created.response.status !== 201) fail("createApp", created.error);
const app: App = created.data;

const deployed = await client.POST("/api/apps/{id}/deploy", {
  params: { path: { id: app.id } },
  body: { image: env("PCLOUD_IMAGE") },
});
if (deployed.error || deployed.response.status !== 202) fail("deployApp", deployed.error);
const generation: number = deployed.data.generation;

const running = await waitRunning(app.id, 90_000);

const logs = await client.GET("/api/apps/{id}/logs", { params: { path: { id: app.id }, query: { limit: 50 } } });
if (logs.error) fail("getAppLogs", logs.error);
const lines: number = logs.data.length;

const deleted = await client.DELETE("/api/apps/{id}", { params: { path: { id: app.id } } });
if (deleted.error || deleted.response.status !== 202) fail("deleteApp", deleted.error);

const missing = await client.GET("/api/apps/{id}", { params: { path: { id: "00000000-0000-0000-0000-000000000000" } } });
if (!missing.error) fail("a missing app was found", missing.data);
const notFound: Problem = missing.error;

console.log(JSON.stringify({
  created: app.name,
  generation,
  status: running.status,
  releaseImage: running.currentRelease?.image ?? null,
  logLines: lines,
  deletedStatus: deleted.response.status,
  notFound: { status: missing.response.status, type: notFound.type ?? null, title: notFound.title ?? null },
}));
