// Drives securescore's REST API with the official Azure SDK for JavaScript
// (@azure/arm-security), as an Azure user would, and checks the values it reads.
// Run by tests/integration/t_sdk.sh against a server that imported tests/fixtures/small.
//
// Environment:
//   SS_URL           https://127.0.0.1:PORT (Node must trust the CA: NODE_EXTRA_CA_CERTS)
//   SS_TOKEN         bearer token of a "Security Admin" at scope "/"
//   SS_READER_TOKEN  bearer token of a "Reader" at scope "/" (optional: the 403 checks)
//   SS_PAGE_TOP      page size asked with $top to make the server page (default 2)
//
// Prints "ok NAME" or "not ok NAME: WHY" per check and "N passed, N failed"; exits 1 on failure.
//
// The fixture (tests/fixtures/small, hand-computed in tests/cases/cli/scan.sstest), subscription A:
//   control one (max 10, rec 1): H=1 U=1 -> 5.00 (0.5); control two (max 4, recs 2 and 3):
//   H=1 U=2 NA=1 -> 1.33 (0.3325); control three (max 0) -> 0; total 6.33 / 14 = 0.4521, weight 3;
//   8 assessments on a1..a4: 3 Healthy, 4 Unhealthy, 1 NotApplicable.
//   Rec 1 on a2 set Healthy -> control one H=2 -> 10.00, total 11.33 / 14 = 0.8093.
import { SecurityCenter } from "@azure/arm-security";
import { check, CheckError, environment, expect, expectEq, finish, restError } from "./check.mjs";

const SUB = "aaaaaaaa-0000-4000-8000-00000000000a";
const RG = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines`;
const REC = {
  1: "11111111-1111-4111-8111-111111111111",
  2: "22222222-2222-4222-8222-222222222222",
  3: "33333333-3333-4333-8333-333333333333",
  4: "44444444-4444-4444-8444-444444444444",
  5: "55555555-5555-4555-8555-555555555555",
};
const CTL = {
  one: "c1000000-0000-4000-8000-000000000001",
  two: "c2000000-0000-4000-8000-000000000002",
  three: "c3000000-0000-4000-8000-000000000003",
};
// Keys of the entries this test creates (never in any catalog).
const CUSTOM_KEY = "5d5e5c2a-7a41-4b52-9a0e-0f1e2d3c4b5a";

const { base, token } = environment();
const readerToken = process.env.SS_READER_TOKEN || "";
const top = Number(process.env.SS_PAGE_TOP || 2);

// ---- helpers ---------------------------------------------------------------------------------




function expectStatus(e, status, code) {
  expect(e.statusCode === status, `status ${e.statusCode} (${e.code}: ${e.message}), want ${status}`);
  if (code) expect(e.code === code, `error code ${JSON.stringify(e.code)}, want ${code}`);
}

// .NET Math.Round(x, d): round half to even, as the server must (DESIGN.md §3).
function rint(x) {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
const round2 = (x) => rint(x * 100) / 100;
const round4 = (x) => rint(x * 10000) / 10000;

async function collect(iter) {
  const out = [];
  for await (const x of iter) out.push(x);
  return out;
}
const lower = (s) => String(s).toLowerCase();
const byName = (list) => new Map(list.map((x) => [lower(x.name), x]));

// Every request goes through this policy: it records the URLs, and on the "paged" client it
// asks for small pages with $top (the nextLink the server returns carries the rest).
const sent = [];
function recorder(pageTop) {
  return {
    name: "securescoreTestRecorder",
    async sendRequest(request, next) {
      if (pageTop && request.method === "GET") {
        const u = new URL(request.url);
        if (!u.searchParams.has("$top") && !u.searchParams.has("$skipToken")) {
          request.url += (u.search ? "&" : "?") + "$top=" + pageTop;
        }
      }
      sent.push(`${request.method} ${request.url}`);
      return next(request);
    },
  };
}

function client(bearer, pageTop) {
  const credential = {
    getToken: async () => ({ token: bearer, expiresOnTimestamp: Date.now() + 3600e3 }),
  };
  return new SecurityCenter(credential, SUB, {
    endpoint: base,
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: recorder(pageTop), position: "perCall" }],
  });
}

const sc = client(token, 0);
const paged = client(token, top);
const paged1 = client(token, 1);

// Counts the requests a call sends.
async function counting(fn) {
  const before = sent.length;
  const result = await fn();
  return { result, requests: sent.slice(before) };
}

// ---- secure scores ---------------------------------------------------------------------------

let ascScore;
await check("secureScores.list", async () => {
  const list = await collect(sc.secureScores.list());
  const asc = list.find((s) => s.name === "ascScore");
  expect(asc, `no ascScore in ${JSON.stringify(list.map((s) => s.name))}`);
  expectEq(asc.id, `/subscriptions/${SUB}/providers/Microsoft.Security/secureScores/ascScore`, "id");
  expectEq(asc.type, "Microsoft.Security/secureScores", "type");
});

await check("secureScores.get ascScore: the fixture's hand-computed score", async () => {
  ascScore = await sc.secureScores.get("ascScore");
  expectEq(ascScore.name, "ascScore", "name");
  expectEq(ascScore.displayName, "ASC score", "displayName");
  expectEq([ascScore.max, ascScore.current, ascScore.percentage], [14, 6.33, 0.4521], "score max/current/percentage");
  expectEq(ascScore.percentage, round4(ascScore.current / ascScore.max), "percentage = round4(current/max)");
  expectEq(ascScore.weight, 3, "weight");
});

await check("secureScores.get of an unknown initiative is a 404 RestError", async () => {
  const e = await restError(sc.secureScores.get("noSuchScore"));
  expectStatus(e, 404);
  expect(typeof e.code === "string" && e.code.length > 0, "the error has no code");
});

// ---- secure score controls -------------------------------------------------------------------

let controls;
await check("secureScoreControls.list expand=definition: sums and rounding", async () => {
  controls = await collect(sc.secureScoreControls.list({ expand: "definition" }));
  expect(controls.length >= 2, `only ${controls.length} controls`);
  expect(ascScore, "no ascScore to compare with");
  let max = 0;
  let current = 0;
  for (const c of controls) {
    expect(c.id === `/subscriptions/${SUB}/providers/Microsoft.Security/secureScores/ascScore/secureScoreControls/${c.name}`,
      `control id ${c.id}`);
    expectEq(c.type, "Microsoft.Security/secureScores/secureScoreControls", `${c.name} type`);
    expect(c.definition, `${c.name}: no definition with expand=definition`);
    expect(lower(c.definition.name) === lower(c.name), `${c.name}: definition name ${c.definition.name}`);
    expect(c.max <= c.definition.maxScore, `${c.name}: max ${c.max} > maxScore ${c.definition.maxScore}`);
    const want = c.max > 0 ? round4(c.current / c.max) : 0;
    expect(c.percentage === want, `${c.name}: percentage ${c.percentage}, want round4(${c.current}/${c.max}) = ${want}`);
    max += c.max;
    current += c.current;
  }
  expectEq(max, ascScore.max, "sum of the controls' max = ascScore max");
  expectEq(round2(current), ascScore.current, "round2(sum of the controls' current) = ascScore current");
});

await check("secureScoreControls: the fixture's control rows", async () => {
  const m = byName(controls || []);
  const one = m.get(CTL.one);
  const two = m.get(CTL.two);
  expect(one && two, "controls one and two are missing");
  expectEq([one.displayName, one.max, one.current, one.percentage], ["Control one", 10, 5, 0.5], "control one");
  expectEq([one.healthyResourceCount, one.unhealthyResourceCount, one.notApplicableResourceCount], [1, 1, 0], "control one counts");
  expectEq([two.displayName, two.max, two.current, two.percentage], ["Control two", 4, 1.33, 0.3325], "control two");
  expectEq([two.healthyResourceCount, two.unhealthyResourceCount, two.notApplicableResourceCount], [1, 2, 1], "control two counts");
  expectEq(two.definition.maxScore, 4, "control two definition maxScore");
  const three = m.get(CTL.three);
  if (three) expectEq([three.max, three.current, three.percentage], [0, 0, 0], "control three (max 0)");
});

await check("secureScoreControls.list without expand has no definition", async () => {
  const list = await collect(sc.secureScoreControls.list());
  expectEq(list.length, (controls || []).length, "count");
  for (const c of list) expect(c.definition === undefined, `${c.name} has a definition`);
});

await check("secureScoreControls.listBySecureScore(ascScore) = list", async () => {
  const list = await collect(sc.secureScoreControls.listBySecureScore("ascScore", { expand: "definition" }));
  const want = byName(controls || []);
  expectEq(list.length, want.size, "count");
  for (const c of list) {
    const w = want.get(lower(c.name));
    expect(w, `unexpected control ${c.name}`);
    expectEq([c.id, c.max, c.current, c.percentage, c.weight, c.healthyResourceCount],
      [w.id, w.max, w.current, w.percentage, w.weight, w.healthyResourceCount], c.name);
    expect(c.definition, `${c.name}: no definition`);
  }
});

await check("secureScoreControls paging: for await follows nextLink ($top=1, $expand kept)", async () => {
  const { result, requests } = await counting(() => collect(paged1.secureScoreControls.list({ expand: "definition" })));
  expectEq(result.map((c) => lower(c.name)).sort(), (controls || []).map((c) => lower(c.name)).sort(), "controls over all pages");
  for (const c of result) expect(c.definition, `${c.name}: no definition on a later page`);
  expect(requests.length >= result.length, `${requests.length} request(s) for ${result.length} controls at $top=1:\n${requests.join("\n")}`);
});

// ---- secure score control definitions --------------------------------------------------------

let definitions;
await check("secureScoreControlDefinitions.list (tenant)", async () => {
  definitions = await collect(sc.secureScoreControlDefinitions.list());
  const m = byName(definitions);
  const want = { [CTL.one]: [10, [REC[1]]], [CTL.two]: [4, [REC[2], REC[3]]], [CTL.three]: [0, [REC[4], REC[5]]] };
  for (const [name, [maxScore, recs]] of Object.entries(want)) {
    const d = m.get(name);
    expect(d, `definition ${name} missing`);
    expect(lower(d.id) === lower(`/providers/Microsoft.Security/secureScoreControlDefinitions/${name}`), `id ${d.id}`);
    expectEq(d.maxScore, maxScore, `${name} maxScore`);
    expectEq(d.source && d.source.sourceType, "BuiltIn", `${name} source`);
    expectEq((d.assessmentDefinitions || []).map((a) => lower(a.id)),
      recs.map((k) => `/providers/microsoft.security/assessmentmetadata/${k}`), `${name} assessmentDefinitions`);
  }
});

await check("secureScoreControlDefinitions.listBySubscription = tenant list", async () => {
  const list = await collect(sc.secureScoreControlDefinitions.listBySubscription());
  expectEq(list.map((d) => lower(d.name)).sort(), (definitions || []).map((d) => lower(d.name)).sort(), "names");
  for (const d of list) expect(d.id.startsWith("/providers/"), `${d.name}: id ${d.id} is not tenant-level`);
});

// ---- assessments -----------------------------------------------------------------------------

let assessments;
await check(`assessments.list(subscriptions/A): all pages ($top=${top})`, async () => {
  const { result, requests } = await counting(() => collect(paged.assessments.list(`subscriptions/${SUB}`)));
  assessments = result;
  expectEq(result.length, 8, "assessments of subscription A");
  const codes = { Healthy: 0, Unhealthy: 0, NotApplicable: 0 };
  for (const a of result) {
    expect(lower(a.id).startsWith(`/subscriptions/${SUB}/`), `id outside the scope: ${a.id}`);
    expectEq(a.type, "Microsoft.Security/assessments", "type");
    expect(a.resourceDetails && a.resourceDetails.source === "Azure", `${a.id}: resourceDetails ${JSON.stringify(a.resourceDetails)}`);
    expect(lower(a.id) === lower(`${a.resourceDetails.id}/providers/Microsoft.Security/assessments/${a.name}`),
      `${a.id}: id != resourceDetails.id + /providers/Microsoft.Security/assessments/ + name`);
    codes[a.status.code]++;
  }
  expectEq(codes, { Healthy: 3, Unhealthy: 4, NotApplicable: 1 }, "status codes");
  expect(requests.length >= Math.ceil(8 / top), `${requests.length} request(s) for 8 assessments at $top=${top}`);
});

await check("assessments.list byPage(): no page larger than $top", async () => {
  let pages = 0;
  let n = 0;
  for await (const p of paged.assessments.list(`subscriptions/${SUB}`).byPage()) {
    pages++;
    n += p.length;
    expect(p.length <= top, `a page of ${p.length} items with $top=${top}`);
  }
  expectEq(n, 8, "items");
  expect(pages >= Math.ceil(8 / top), `${pages} pages`);
});

await check("assessments.list with a leading-slash scope (//subscriptions/...)", async () => {
  const list = await collect(sc.assessments.list(`/subscriptions/${SUB}`));
  expectEq(list.length, 8, "assessments");
});

await check("assessments.list at a resource group scope", async () => {
  const list = await collect(sc.assessments.list(`subscriptions/${SUB}/resourceGroups/rg`));
  expectEq(list.length, 8, "assessments");
});

await check("assessments.get expand=metadata", async () => {
  const a = await sc.assessments.get(`${RG.slice(1)}/a1`, REC[1], { expand: "metadata" });
  expectEq(a.name, REC[1], "name");
  expectEq(a.status.code, "Healthy", "status");
  expect(lower(a.resourceDetails.id) === lower(`${RG}/a1`), `resourceDetails.id ${a.resourceDetails.id}`);
  expect(a.metadata, "no metadata with expand=metadata");
  expectEq([a.metadata.displayName, a.metadata.severity, a.metadata.assessmentType],
    ["Recommendation 1", "High", "BuiltIn"], "metadata");
  expect(a.links === undefined, "links without expand=links");
});

await check("assessments.get expand=links, by the resourceDetails.id the API returned", async () => {
  // A user passes the id as read (leading slash): the SDK then sends "//subscriptions/...".
  const a = await sc.assessments.get(`${RG}/a2`, REC[2], { expand: "links" });
  expectEq(a.status.code, "Healthy", "status");
  expect(a.links && typeof a.links.azurePortalUri === "string" && a.links.azurePortalUri.length > 0,
    `links ${JSON.stringify(a.links)}`);
  expect(a.metadata === undefined, "metadata without expand=metadata");
});

await check("assessments.get of a missing assessment is a 404 RestError", async () => {
  const e = await restError(sc.assessments.get(`${RG.slice(1)}/a4`, REC[1]));
  expectStatus(e, 404);
});

// ---- assessment metadata ---------------------------------------------------------------------

await check("assessmentsMetadata.list (tenant) has the fixture's recommendations", async () => {
  const m = byName(await collect(sc.assessmentsMetadata.list()));
  for (const [i, key] of Object.entries(REC)) {
    const x = m.get(key);
    expect(x, `metadata ${key} missing`);
    expectEq([x.displayName, x.severity, x.assessmentType], [`Recommendation ${i}`, "High", "BuiltIn"], key);
    expectEq(lower(x.id), `/providers/microsoft.security/assessmentmetadata/${key}`, `${key} id`);
  }
  expectEq(m.get(REC[5]).preview, true, "recommendation 5 is preview");
});

await check("assessmentsMetadata.get", async () => {
  const x = await sc.assessmentsMetadata.get(REC[2]);
  expectEq([x.name, x.displayName, x.severity, x.assessmentType], [REC[2], "Recommendation 2", "High", "BuiltIn"], "metadata");
});

await check("assessmentsMetadata.get of an unknown key is a 404 RestError", async () => {
  expectStatus(await restError(sc.assessmentsMetadata.get(CUSTOM_KEY)), 404);
});

await check("assessmentsMetadata.listBySubscription", async () => {
  const list = await collect(sc.assessmentsMetadata.listBySubscription());
  expect(!list.some((x) => lower(x.name) === CUSTOM_KEY), "the custom key exists before it is created");
});

// ---- writes: custom recommendation + pushed assessment, then a built-in one that moves the score

const customMeta = {
  displayName: "SDK test: custom scanner finding",
  description: "Pushed by tests/sdk/security.mjs",
  remediationDescription: "Nothing to do",
  assessmentType: "CustomerManaged",
  severity: "Medium",
  categories: ["Compute"],
  userImpact: "Low",
  implementationEffort: "Low",
  threats: ["dataExfiltration"],
};

await check("assessmentsMetadata.createInSubscription (CustomerManaged)", async () => {
  const x = await sc.assessmentsMetadata.createInSubscription(CUSTOM_KEY, customMeta);
  expectEq(lower(x.id), `/subscriptions/${SUB}/providers/microsoft.security/assessmentmetadata/${CUSTOM_KEY}`, "id");
  expectEq(x.name, CUSTOM_KEY, "name");
  expectEq([x.displayName, x.assessmentType, x.severity, x.categories],
    [customMeta.displayName, "CustomerManaged", "Medium", ["Compute"]], "echoed properties");
});

await check("assessmentsMetadata.getInSubscription and listBySubscription see it", async () => {
  const x = await sc.assessmentsMetadata.getInSubscription(CUSTOM_KEY);
  expectEq([x.displayName, x.description, x.severity], [customMeta.displayName, customMeta.description, "Medium"], "metadata");
  const list = await collect(sc.assessmentsMetadata.listBySubscription());
  expect(list.some((y) => lower(y.name) === CUSTOM_KEY), "not in listBySubscription");
});

const customResource = `${RG}/a1`;
await check("assessments.createOrUpdate a CustomerManaged assessment", async () => {
  const a = await sc.assessments.createOrUpdate(customResource.slice(1), CUSTOM_KEY, {
    resourceDetails: { source: "Azure", id: customResource },
    status: { code: "Unhealthy", cause: "ScannerFinding", description: "found by the SDK test" },
    additionalData: { scanner: "sdk-test" },
  });
  expectEq(a.name, CUSTOM_KEY, "name");
  expectEq(lower(a.id), lower(`${customResource}/providers/Microsoft.Security/assessments/${CUSTOM_KEY}`), "id");
  expectEq([a.status.code, a.status.cause, a.status.description], ["Unhealthy", "ScannerFinding", "found by the SDK test"], "status");
  expect(lower(a.resourceDetails.id) === lower(customResource), `resourceDetails ${JSON.stringify(a.resourceDetails)}`);
});

await check("the created assessment is listed and readable; the score does not move", async () => {
  const a = await sc.assessments.get(customResource.slice(1), CUSTOM_KEY, { expand: "metadata" });
  expectEq(a.status.code, "Unhealthy", "status");
  expectEq(a.metadata && a.metadata.displayName, customMeta.displayName, "metadata displayName");
  const list = await collect(paged.assessments.list(`subscriptions/${SUB}`));
  expectEq(list.length, 9, "assessments after the create");
  expect(list.some((x) => lower(x.name) === CUSTOM_KEY), "not in the list");
  const s = await sc.secureScores.get("ascScore");
  expectEq([s.max, s.current, s.percentage], [14, 6.33, 0.4521], "a CustomerManaged assessment does not count");
});

await check("assessments.createOrUpdate of a built-in recommendation moves the score", async () => {
  const a = await sc.assessments.createOrUpdate(`${RG.slice(1)}/a2`, REC[1], {
    resourceDetails: { source: "Azure", id: `${RG}/a2` },
    status: { code: "Healthy" },
  });
  expectEq(a.status.code, "Healthy", "status");
  const s = await sc.secureScores.get("ascScore");
  expectEq([s.max, s.current, s.percentage], [14, 11.33, 0.8093], "score after rec 1 on a2 is Healthy");
  const one = (await collect(sc.secureScoreControls.list())).find((c) => lower(c.name) === CTL.one);
  expectEq([one.current, one.percentage, one.healthyResourceCount, one.unhealthyResourceCount], [10, 1, 2, 0], "control one");
});

await check("assessments.createOrUpdate back to Unhealthy restores the score", async () => {
  const a = await sc.assessments.createOrUpdate(`${RG.slice(1)}/a2`, REC[1], {
    resourceDetails: { source: "Azure", id: `${RG}/a2` },
    status: { code: "Unhealthy", cause: "", description: "back" },
  });
  expectEq(a.status.code, "Unhealthy", "status");
  const s = await sc.secureScores.get("ascScore");
  expectEq([s.max, s.current, s.percentage], [14, 6.33, 0.4521], "score restored");
});

await check("assessments.delete removes it", async () => {
  await sc.assessments.delete(customResource.slice(1), CUSTOM_KEY);
  expectStatus(await restError(sc.assessments.get(customResource.slice(1), CUSTOM_KEY)), 404);
  const list = await collect(paged.assessments.list(`subscriptions/${SUB}`));
  expectEq(list.length, 8, "assessments after the delete");
  expect(!list.some((x) => lower(x.name) === CUSTOM_KEY), "still listed");
});

await check("assessmentsMetadata.deleteInSubscription removes it", async () => {
  await sc.assessmentsMetadata.deleteInSubscription(CUSTOM_KEY);
  expectStatus(await restError(sc.assessmentsMetadata.getInSubscription(CUSTOM_KEY)), 404);
  const list = await collect(sc.assessmentsMetadata.listBySubscription());
  expect(!list.some((y) => lower(y.name) === CUSTOM_KEY), "still in listBySubscription");
});

// ---- authorisation ---------------------------------------------------------------------------

await check("an unknown bearer token is a 401 RestError", async () => {
  const bad = client("not-a-token-" + "0".repeat(52), 0);
  expectStatus(await restError(bad.secureScores.get("ascScore")), 401);
});

if (readerToken) {
  const reader = client(readerToken, 0);
  await check("a Reader reads the secure score", async () => {
    const s = await reader.secureScores.get("ascScore");
    expectEq(s.current, 6.33, "current");
  });
  await check("a Reader's PUT is a 403 AuthorizationFailed RestError", async () => {
    const e = await restError(reader.assessments.createOrUpdate(`${RG.slice(1)}/a2`, REC[1], {
      resourceDetails: { source: "Azure", id: `${RG}/a2` },
      status: { code: "Healthy" },
    }));
    expectStatus(e, 403, "AuthorizationFailed");
    const s = await sc.secureScores.get("ascScore");
    expectEq(s.current, 6.33, "the score after the refused PUT");
  });
  await check("a Reader's createInSubscription is a 403 AuthorizationFailed RestError", async () => {
    const e = await restError(reader.assessmentsMetadata.createInSubscription(CUSTOM_KEY, customMeta));
    expectStatus(e, 403, "AuthorizationFailed");
  });
}

if (process.env.SS_SDK_LOG_REQUESTS) for (const r of sent) console.log(`# ${r}`);
finish();
