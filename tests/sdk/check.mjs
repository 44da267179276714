// The check helpers of the SDK tests (security.mjs, graph.mjs): each check prints "ok NAME" or
// "not ok NAME: WHY"; finish() prints "N passed, N failed" and exits 1 if any failed.

let passed = 0;
let failed = 0;

export class CheckError extends Error {}

export function expect(cond, msg) {
  if (!cond) throw new CheckError(msg);
}

export function expectEq(actual, want, what) {
  const a = JSON.stringify(actual);
  const w = JSON.stringify(want);
  if (a !== w) throw new CheckError(`${what}: got ${a}, want ${w}`);
}

export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    let why;
    if (e instanceof CheckError) why = e.message;
    else if (e && e.name === "RestError") why = `RestError ${e.statusCode} ${e.code}: ${e.message}`;
    else why = (e && e.stack) || String(e);
    console.log(`not ok ${name}: ${String(why).replace(/\n/g, "\n#   ")}`);
  }
}

// An error the SDK must raise: returns the RestError.
export async function restError(promise) {
  try {
    await promise;
  } catch (e) {
    if (e && e.name === "RestError") return e;
    throw e;
  }
  throw new CheckError("the call succeeded; an error was expected");
}

// The environment both programs need: SS_URL and SS_TOKEN, or a failed setup.
export function environment() {
  const base = process.env.SS_URL;
  const token = process.env.SS_TOKEN;
  if (!base || !token) {
    console.log("not ok setup: SS_URL and SS_TOKEN must be set");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  return { base, token };
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
