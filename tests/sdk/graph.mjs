// Drives securescore's Resource Graph endpoint (POST /providers/Microsoft.ResourceGraph/resources)
// with the official Azure SDK for JavaScript (@azure/arm-resourcegraph), and cross-checks the rows
// against the REST API read with @azure/arm-security. Run by tests/integration/t_sdk_graph.sh
// against a server that imported tests/fixtures/small.
//
// Environment: SS_URL, SS_TOKEN (Security Admin at "/"), NODE_EXTRA_CA_CERTS (the test CA).
// Prints "ok NAME" / "not ok NAME: WHY" per check and "N passed, N failed"; exits 1 on failure.
//
// The fixture (tests/cases/cli/scan.sstest): subscription A 6.33 / 14 = 0.4521, subscription B
// 10.0 / 14 = 0.7143, subscription C disabled (no score); A has 8 assessments: 3 Healthy,
// 4 Unhealthy, 1 NotApplicable.
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { SecurityCenter } from "@azure/arm-security";
import { check, CheckError, environment, expect, expectEq, finish, restError } from "./check.mjs";

const SUB_A = "aaaaaaaa-0000-4000-8000-00000000000a";
const SUB_B = "bbbbbbbb-0000-4000-8000-00000000000b";

const { base, token } = environment();


const sent = [];
const recorder = {
  name: "securescoreTestRecorder",
  async sendRequest(request, next) {
    sent.push(`${request.method} ${request.url} ${request.body || ""}`);
    return next(request);
  },
};
const credential = {
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600e3 }),
};
const common = {
  endpoint: base,
  retryOptions: { maxRetries: 0 },
  additionalPolicies: [{ policy: recorder, position: "perCall" }],
};
const graph = new ResourceGraphClient(credential, common);
const lower = (s) => String(s).toLowerCase();

// The rows of an objectArray result. The SDK types `data` as a dictionary, so its deserializer
// hands a JSON array back as an object keyed "0", "1", ... (in order); accept both.
function rowsOf(r) {
  const d = r.data;
  expect(d !== null && typeof d === "object", `data is ${JSON.stringify(d)}`);
  if (Array.isArray(d)) return d;
  const keys = Object.keys(d);
  expect(keys.every((k, i) => k === String(i)), `data is not an array: ${JSON.stringify(d).slice(0, 200)}`);
  return Object.values(d);
}

// All rows of a query, following $skipToken; returns {rows, pages, first}. The SDK's model names
// the request options top/skip/skipToken and serializes them as $top/$skip/$skipToken; the
// response's $skipToken is read back as skipToken.
async function allPages(request) {
  const rows = [];
  const pages = [];
  let skipToken;
  let first;
  for (let i = 0; i < 1000; i++) {
    const options = { ...(request.options || {}) };
    if (skipToken !== undefined) options.skipToken = skipToken; // sent as $skipToken
    const r = await graph.resources({ ...request, options });
    if (!first) first = r;
    pages.push(r);
    const data = rowsOf(r);
    expectEq(r.count, data.length, `page ${i + 1}: count`);
    rows.push(...data);
    skipToken = r.skipToken;
    if (!skipToken) return { rows, pages, first };
  }
  throw new CheckError("more than 1000 pages");
}

const SCORES =
  "securityresources\n" +
  "| where type == 'microsoft.security/securescores'\n" +
  "| where name == 'ascScore'\n" +
  "| project subscriptionId, current = properties.score.current, max = toint(properties.score.max),\n" +
  "          percentage = todouble(properties.score.percentage)\n" +
  "| order by subscriptionId asc";

await check("secure scores of the enabled subscriptions", async () => {
  const r = await graph.resources({ query: SCORES, subscriptions: [SUB_A, SUB_B] });
  expectEq([r.totalRecords, r.count, r.resultTruncated], [2, 2, "false"], "totalRecords, count, resultTruncated");
  expect(!r.skipToken, `a $skipToken on a complete result: ${r.skipToken}`);
  expectEq(rowsOf(r).map((x) => [lower(x.subscriptionId), x.current, x.max, x.percentage]),
    [[SUB_A, 6.33, 14, 0.4521], [SUB_B, 10, 14, 0.7143]], "rows");
});

await check("Resource Graph and REST agree on subscription A's score", async () => {
  const sc = new SecurityCenter(credential, SUB_A, common);
  const s = await sc.secureScores.get("ascScore");
  const r = await graph.resources({ query: SCORES, subscriptions: [SUB_A] });
  const rows = rowsOf(r);
  expectEq(rows.length, 1, "rows");
  expectEq([rows[0].current, rows[0].max, rows[0].percentage], [s.current, s.max, s.percentage], "score");
});

const ASSESSMENTS =
  "securityresources\n" +
  "| where type == 'microsoft.security/assessments'\n" +
  "| project id, status = tostring(properties.status.code)\n" +
  "| order by id asc";

let unpaged;
await check("assessments of subscription A in one page", async () => {
  const r = await graph.resources({ query: ASSESSMENTS, subscriptions: [SUB_A] });
  unpaged = rowsOf(r);
  expectEq([r.totalRecords, r.count], [8, 8], "totalRecords, count");
  for (const x of unpaged) expect(lower(x.id).startsWith(`/subscriptions/${SUB_A}/`), `row outside the subscription: ${x.id}`);
});

await check("paging with options.top = 2 ($top) and skipToken ($skipToken) until done", async () => {
  const { rows, pages, first } = await allPages({ query: ASSESSMENTS, subscriptions: [SUB_A], options: { top: 2 } });
  expect(pages.length >= 4, `${pages.length} page(s) for 8 rows at $top=2`);
  for (const p of pages) expect(rowsOf(p).length <= 2, `a page of ${rowsOf(p).length} rows`);
  expectEq(first.totalRecords, 8, "totalRecords of the first page");
  expectEq(rows.map((x) => x.id), (unpaged || []).map((x) => x.id), "the pages joined = the single page");
  expectEq(new Set(rows.map((x) => lower(x.id))).size, 8, "distinct rows");
});

await check("paging with options.skip ($skip)", async () => {
  const r = await graph.resources({ query: ASSESSMENTS, subscriptions: [SUB_A], options: { top: 3, skip: 6 } });
  expectEq(rowsOf(r).map((x) => x.id), (unpaged || []).slice(6, 9).map((x) => x.id), "rows 7..8");
});

await check("summarize count() by status", async () => {
  const r = await graph.resources({
    query: ASSESSMENTS.replace("| order by id asc", "| summarize n = count() by status\n| order by status asc"),
    subscriptions: [SUB_A],
  });
  expectEq(rowsOf(r).map((x) => [x.status, x.n]), [["Healthy", 3], ["NotApplicable", 1], ["Unhealthy", 4]], "rows");
});

await check("controls: sum of max by subscription = the score's max", async () => {
  const r = await graph.resources({
    query: "securityresources\n" +
      "| where type == 'microsoft.security/securescores/securescorecontrols'\n" +
      "| summarize total = sum(toint(properties.score.max)) by subscriptionId\n" +
      "| order by subscriptionId asc",
    subscriptions: [SUB_A, SUB_B],
  });
  expectEq(rowsOf(r).map((x) => [lower(x.subscriptionId), x.total]), [[SUB_A, 14], [SUB_B, 14]], "rows");
});

await check("resultFormat table", async () => {
  const r = await graph.resources({ query: SCORES, subscriptions: [SUB_A], options: { resultFormat: "table" } });
  expect(r.data && Array.isArray(r.data.columns) && Array.isArray(r.data.rows), `data ${JSON.stringify(r.data).slice(0, 200)}`);
  expectEq(r.data.columns.map((c) => c.name), ["subscriptionId", "current", "max", "percentage"], "column names");
  expectEq(r.data.rows, [[SUB_A, 6.33, 14, 0.4521]], "rows");
});

// The endpoint must answer a good query first, so that a 400 below is about the query.
async function endpointWorks() {
  const r = await graph.resources({ query: "securityresources | take 1", subscriptions: [SUB_A] });
  expectEq(rowsOf(r).length, 1, "rows of 'securityresources | take 1'");
}

await check("a malformed query is a 400 RestError with a code and a message", async () => {
  await endpointWorks();
  const e = await restError(graph.resources({ query: "securityresources | where type == | project", subscriptions: [SUB_A] }));
  expect(e.statusCode === 400, `status ${e.statusCode} (${e.code}: ${e.message}), want 400`);
  expect(typeof e.code === "string" && e.code.length > 0, "no error code");
  expect(typeof e.message === "string" && e.message.length > 0, "no error message");
});

await check("an unknown table is a 400 RestError", async () => {
  await endpointWorks();
  const e = await restError(graph.resources({ query: "nosuchtable | take 1", subscriptions: [SUB_A] }));
  expect(e.statusCode === 400, `status ${e.statusCode} (${e.code}: ${e.message}), want 400`);
});

if (process.env.SS_SDK_LOG_REQUESTS) for (const r of sent) console.log(`# ${r}`);
finish();
