// cloudfront.Function `tests` and field ownership, pure parts: the shape of
// `tests` at check (paths named), how one TestFunction answer is judged, and
// which optional fields the program owns.
import { expect } from "chai";
import { desiredContent, functionDiff, wasDeclared } from "../../provider/cloudfront/function/delta";
import { describeFailure, judge, subsetDifferences, validateTests } from "../../provider/cloudfront/function/tests";
import type { FunctionInputs } from "../../provider/cloudfront/function/types";

const EVENT = {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "1.2.3.4" },
    request: { method: "GET", uri: "/", headers: {} },
};
const ok = (output: unknown, utilization = 5) => ({ output: JSON.stringify(output), error: "", logs: [], utilization });
const failed = (error: string, logs: string[] = []) => ({ output: "", error, logs, utilization: 3 });

describe("cloudfront.Function tests: check-time shape", () => {
    const props = (tests: unknown) => validateTests(tests).map(([p]) => p);

    it("accepts a well-formed list, and no tests at all", () => {
        expect(validateTests(undefined)).to.deep.equal([]);
        expect(validateTests([{ name: "a", event: EVENT, expect: { request: { uri: "/" } }, maxComputeUtilization: 50 }])).to.deep.equal([]);
        expect(validateTests([{ name: "b", event: EVENT, expectError: "TypeError" }])).to.deep.equal([]);
    });

    it("names the path of each problem", () => {
        expect(props("x")).to.deep.equal(["tests"]);
        expect(props([1])).to.deep.equal(["tests[0]"]);
        expect(props([{ event: EVENT }])).to.deep.equal(["tests[0].name"]);
        expect(
            props([
                { name: "a", event: EVENT },
                { name: "a", event: EVENT },
            ]),
        ).to.deep.equal(["tests[1].name"]);
        expect(props([{ name: "a", event: "GET /" }])).to.deep.equal(["tests[0].event"]);
        expect(props([{ name: "a", event: { ...EVENT, version: "2.0" } }])).to.deep.equal(["tests[0].event.version"]);
        expect(props([{ name: "a", event: { ...EVENT, context: { eventType: "origin-request" } } }])).to.deep.equal([
            "tests[0].event.context.eventType",
        ]);
        expect(props([{ name: "a", event: { ...EVENT, request: "GET" } }])).to.deep.equal(["tests[0].event.request"]);
        expect(props([{ name: "a", event: EVENT, expect: { statusCode: 302 } }])).to.deep.equal(["tests[0].expect"]);
        expect(props([{ name: "a", event: EVENT, expect: { request: {} }, expectError: true }])).to.deep.equal(["tests[0].expectError"]);
        expect(props([{ name: "a", event: EVENT, expectError: 1 }])).to.deep.equal(["tests[0].expectError"]);
        expect(props([{ name: "a", event: EVENT, maxComputeUtilization: 101 }])).to.deep.equal(["tests[0].maxComputeUtilization"]);
        expect(props([{ name: "a", event: EVENT, expected: {} }])).to.deep.equal(["tests[0].expected"]);
        expect(props([{ name: "a", event: { ...EVENT, big: "x".repeat(41000) } }])).to.deep.equal(["tests[0].event"]);
    });

    it("each message says how to fix it", () => {
        const [[, reason]] = validateTests([{ name: "a", event: EVENT, expect: { statusCode: 302 } }]);
        expect(reason).to.include("{ response: { statusCode: 302 } }");
    });
});

describe("cloudfront.Function tests: judging a TestFunction answer", () => {
    it("expect is a deep subset of FunctionOutput; differences are paths with expected and got", () => {
        const test = { name: "redirect", event: EVENT, expect: { response: { statusCode: 302, headers: { location: { value: "/x" } } } } };
        expect(judge(test, ok({ response: { statusCode: 302, statusDescription: "Found", headers: { location: { value: "/x" } } } }))).to.deep.equal(
            [],
        );
        expect(judge(test, ok({ response: { statusCode: 200, headers: {} } }))).to.deep.equal([
            "response.statusCode: expected 302, got 200",
            "response.headers.location: expected an object, got nothing",
        ]);
        expect(judge(test, ok({ request: { uri: "/" } }))).to.deep.equal(["response: expected an object, got nothing"]);
    });

    it("arrays and scalars compare whole", () => {
        expect(subsetDifferences({ a: [1, 2] }, { a: [1, 2, 3] })).to.deep.equal(["a: expected [1,2], got [1,2,3]"]);
        expect(subsetDifferences({ a: "x" }, { a: "x", b: 1 })).to.deep.equal([]);
    });

    it("an error fails a test that expects none, and passes one that expects it", () => {
        const answer = failed("The CloudFront function ... TypeError: boom", ["before boom"]);
        expect(judge({ name: "t", event: EVENT, expect: { request: {} } }, answer)).to.deep.equal(["the function failed"]);
        expect(judge({ name: "t", event: EVENT }, answer)).to.deep.equal(["the function failed"]);
        expect(judge({ name: "t", event: EVENT, expectError: true }, answer)).to.deep.equal([]);
        expect(judge({ name: "t", event: EVENT, expectError: "TypeError" }, answer)).to.deep.equal([]);
        expect(judge({ name: "t", event: EVENT, expectError: "RangeError" }, answer)).to.deep.equal([
            'expected an error containing "RangeError", got another error',
        ]);
        expect(judge({ name: "t", event: EVENT, expectError: true }, ok({ request: {} }))).to.deep.equal([
            "expected the function to fail, but it succeeded",
        ]);
    });

    it("maxComputeUtilization fails a higher utilization only", () => {
        const test = { name: "t", event: EVENT, maxComputeUtilization: 40 };
        expect(judge(test, ok({ request: {} }, 40))).to.deep.equal([]);
        expect(judge(test, ok({ request: {} }, 41))).to.deep.equal(["compute utilization 41 is over maxComputeUtilization 40"]);
    });

    it("the report names the test and shows the function's error and its logs", () => {
        const answer = failed("TypeError: boom", ["line one", "line two"]);
        const text = describeFailure({ name: "home page", event: EVENT }, answer, judge({ name: "home page", event: EVENT }, answer));
        expect(text).to.equal(
            [
                'test "home page" failed:',
                "    the function failed",
                "    function error: TypeError: boom",
                "    function logs:",
                "      line one",
                "      line two",
            ].join("\n"),
        );
    });
});

describe("cloudfront.Function field ownership", () => {
    const base = { name: "fn", code: "c", publish: true, tags: {} } as FunctionInputs;
    const live = { comment: "live comment", runtime: "cloudfront-js-1.0", keyValueStoreAssociations: ["arn:kvs"] };

    it("an omitted optional field keeps the live value; a declared one is sent; a create uses the defaults", () => {
        expect(desiredContent(base, live)).to.deep.equal({ code: "c", ...live });
        expect(desiredContent({ ...base, keyValueStoreAssociations: [] }, live).keyValueStoreAssociations).to.deep.equal([]);
        expect(desiredContent(base)).to.deep.equal({ code: "c", comment: "", runtime: "cloudfront-js-2.0", keyValueStoreAssociations: [] });
    });

    it("an omitted field is no change in the diff; a declared one that differs is", () => {
        const olds = { ...base, ...live, published: true };
        expect(functionDiff("fn", olds, { ...base }).changed).to.deep.equal([]);
        expect(functionDiff("fn", olds, { ...base, keyValueStoreAssociations: [] }).changed).to.deep.equal(["keyValueStoreAssociations"]);
        expect(functionDiff("fn", olds, { ...base, comment: "new" }).changed).to.deep.equal(["comment"]);
    });

    it("what was declared is read from __declared, or from a non-default value in older state", () => {
        expect(wasDeclared(undefined, "keyValueStoreAssociations")).to.equal(false);
        expect(wasDeclared({ __declared: ["comment"], comment: "" }, "comment")).to.equal(true);
        expect(wasDeclared({ __declared: [], keyValueStoreAssociations: ["arn:kvs"] }, "keyValueStoreAssociations")).to.equal(false);
        expect(wasDeclared({ keyValueStoreAssociations: ["arn:kvs"] }, "keyValueStoreAssociations")).to.equal(true);
        expect(wasDeclared({ keyValueStoreAssociations: [], runtime: "cloudfront-js-2.0" }, "keyValueStoreAssociations")).to.equal(false);
        expect(wasDeclared({ runtime: "cloudfront-js-2.0" }, "runtime")).to.equal(false);
    });
});
