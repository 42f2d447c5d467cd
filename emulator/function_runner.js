// Runs one CloudFront function against one event object for the emulator's TestFunction
// (emulator/cloudfront_function_test.py). Node built-ins only; works on Node 20 and later.
//
// stdin:  {"code": str, "runtime": "cloudfront-js-1.0"|"cloudfront-js-2.0", "event": object,
//          "timeLimitMs": number, "kvs": null | {"id": str, "items": {key: value},
//          "created": iso, "modified": iso}}
// stdout: {"output": str, "error": str, "logs": [str], "utilization": int}
"use strict";

const vm = require("vm");

const LOG_LIMIT_BYTES = 10240; // function logs are truncated at 10 KB
const PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. ";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function describe(err) {
  if (err && typeof err === "object" && typeof err.message === "string") {
    return `${err.name || "Error"}: ${err.message}`;
  }
  return `Error: ${String(err)}`;
}

class Logs {
  constructor() {
    this.lines = [];
    this.bytes = 0;
  }
  add(args) {
    if (this.bytes >= LOG_LIMIT_BYTES) return;
    let line = args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" ");
    const room = LOG_LIMIT_BYTES - this.bytes;
    if (Buffer.byteLength(line) > room) line = Buffer.from(line).subarray(0, room).toString("utf8");
    this.bytes += Buffer.byteLength(line);
    this.lines.push(line);
  }
}

function safeJson(value) {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s;
  } catch {
    return String(value);
  }
}

/**
 * cloudfront-js-2.0 allows one import, `import cf from 'cloudfront'`; a vm.Script is not a module, so that line
 * becomes a binding to the injected module. Any other import or export is a syntax error, as on CloudFront.
 */
function prepare(code, runtime) {
  const importLine = /^[ \t]*import[ \t]+([A-Za-z_$][\w$]*)[ \t]+from[ \t]+(['"])cloudfront\2[ \t]*;?/gm;
  let source = code;
  if (runtime === "cloudfront-js-2.0") {
    source = source.replace(importLine, (_m, name) => `const ${name} = __ackless_cloudfront;`);
  }
  const illegal = /^[ \t]*(import|export)\b(?![ \t]*\()/m.exec(source);
  if (illegal) {
    const line = source.slice(0, illegal.index).split("\n").length;
    throw new SyntaxError(`Illegal ${illegal[1]} statement in ${line}`);
  }
  return source;
}

function kvsModule(kvs) {
  function handle(id) {
    if (!kvs) throw new Error("No key value store is associated with this function");
    if (id !== undefined && id !== kvs.id) throw new Error(`Key value store ${id} is not associated with this function`);
    const items = kvs.items;
    const has = (key) => Object.prototype.hasOwnProperty.call(items, key);
    return {
      async get(key, options) {
        if (!has(key)) throw new Error(`Key ${key} not found`);
        const value = items[key];
        const format = (options && options.format) || "string";
        if (format === "string") return value;
        if (format === "json") return JSON.parse(value);
        if (format === "bytes") return new Uint8Array(Buffer.from(value, "utf8"));
        throw new Error(`Unknown format ${format}`);
      },
      async exists(key) {
        return has(key);
      },
      async meta() {
        return {
          creationDateTime: kvs.created,
          lastUpdatedDateTime: kvs.modified,
          keyCount: Object.keys(items).length,
        };
      },
    };
  }
  return { kvs: handle };
}

function outputOf(event, value) {
  if (value === null || typeof value !== "object") {
    throw new TypeError("The function must return the request or a response object");
  }
  const eventType = event && event.context && event.context.eventType;
  const key = eventType === "viewer-response" || "statusCode" in value ? "response" : "request";
  return JSON.stringify({ [key]: value });
}

async function run(input) {
  const logs = new Logs();
  const limitMs = Number(input.timeLimitMs) > 0 ? Number(input.timeLimitMs) : 100;
  const result = { output: "", error: "", logs: logs.lines, utilization: 0 };
  const logger = (...args) => logs.add(args);
  const sandbox = {
    console: { log: logger, info: logger, warn: logger, error: logger, debug: logger },
    require: (name) => {
      if (name === "crypto" || name === "querystring" || (name === "buffer" && input.runtime === "cloudfront-js-2.0")) {
        return require(name);
      }
      throw new Error(`Cannot find module '${name}'`);
    },
    __ackless_cloudfront: input.runtime === "cloudfront-js-2.0" ? kvsModule(input.kvs) : undefined,
    __ackless_event: input.event,
  };
  const context = vm.createContext(sandbox);
  let started;
  try {
    const source = prepare(String(input.code), input.runtime);
    // Loading the code is not the request's compute: a busy machine may take longer to compile it than the
    // handler's limit, which must not read as the function running too long.
    new vm.Script(source, { filename: "function.js" }).runInContext(context, { timeout: Math.max(limitMs, 5000) });
    if (typeof context.handler !== "function") throw new ReferenceError("handler is not defined");
    if (input.runtime !== "cloudfront-js-2.0" && context.handler.constructor.name === "AsyncFunction") {
      throw new SyntaxError("async functions are not supported by cloudfront-js-1.0");
    }
    started = process.hrtime.bigint();
    let value = vm.runInContext("handler(__ackless_event)", context, { timeout: limitMs });
    if (value && typeof value.then === "function") {
      if (input.runtime !== "cloudfront-js-2.0") throw new TypeError("The function returned a promise; cloudfront-js-1.0 does not await");
      let timer;
      const left = Math.max(1, limitMs - Number(process.hrtime.bigint() - started) / 1e6);
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("Script execution timed out.")), left);
      });
      try {
        value = await Promise.race([value, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    result.utilization = Math.min(100, Math.max(1, Math.round((elapsedMs / limitMs) * 100)));
    result.output = outputOf(input.event, value);
  } catch (err) {
    const timedOut = err && /Script execution timed out/.test(String(err.message));
    if (timedOut) {
      result.utilization = 100;
      result.error = "The CloudFront function exceeded the maximum allowed compute time.";
    } else {
      if (started !== undefined) {
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        result.utilization = Math.min(100, Math.max(1, Math.round((elapsedMs / limitMs) * 100)));
      }
      result.error = PREFIX + describe(err);
    }
    result.output = "";
  }
  return result;
}

readStdin()
  .then((text) => run(JSON.parse(text)))
  .then(
    (result) => {
      process.stdout.write(JSON.stringify(result));
      process.exit(0);
    },
    (err) => {
      process.stderr.write(String((err && err.stack) || err));
      process.exit(2);
    },
  );
