/**
 * The shared system-tag module (provider/common/tags.ts): what counts as a
 * system tag, how observed tags split, and that no mutation ever carries an
 * `aws:` key.
 */
import { expect } from "chai";
import {
    describeTagChanges,
    fromKeyValueList,
    isSystemTagKey,
    reconciledTags,
    sameTags,
    splitTags,
    tagChanges,
    toKeyValueList,
    userTags,
    validateTags,
} from "../../provider/common/tags";

describe("common/tags", () => {
    const observed = {
        "aws:cloudformation:stack-name": "legacy",
        "AWS:CloudFormation:logical-id": "Nat",
        "Aws:createdBy": "someone",
        team: "net",
        env: "dev",
    };

    it("isSystemTagKey: the aws: prefix in any case, nothing else", () => {
        for (const k of ["aws:x", "AWS:x", "Aws:cloudformation:stack-id", "aWs:"]) {
            expect(isSystemTagKey(k), k).to.equal(true);
        }
        for (const k of ["aws", "awsx:y", "my-aws:x", " aws:x", "team", ""]) {
            expect(isSystemTagKey(k), k).to.equal(false);
        }
    });

    it("splitTags separates user tags from system tags; userTags keeps only the user's", () => {
        expect(splitTags(observed)).to.deep.equal({
            tags: { team: "net", env: "dev" },
            systemTags: { "aws:cloudformation:stack-name": "legacy", "AWS:CloudFormation:logical-id": "Nat", "Aws:createdBy": "someone" },
        });
        expect(splitTags(undefined)).to.deep.equal({ tags: {}, systemTags: {} });
        expect(userTags(observed)).to.deep.equal({ team: "net", env: "dev" });
    });

    it("tagChanges never sets nor removes a system key, whatever is observed or desired", () => {
        // Desired omits every aws: key: they are not removed.
        expect(tagChanges(observed, { team: "web" })).to.deep.equal({ set: { team: "web" }, remove: ["env"] });
        // A desired aws: key (should check have missed it) is not sent either.
        expect(tagChanges({}, { "aws:x": "1", "AWS:y": "2", a: "b" })).to.deep.equal({ set: { a: "b" }, remove: [] });
        expect(tagChanges(observed, { team: "net", env: "dev" })).to.deep.equal({ set: {}, remove: [] });
        const c = tagChanges(observed, {});
        expect([...Object.keys(c.set), ...c.remove].filter(isSystemTagKey)).to.deep.equal([]);
        expect(c.remove.sort()).to.deep.equal(["env", "team"]);
    });

    it("sameTags (the diff rule of every resource) ignores system tags on both sides", () => {
        expect(sameTags(observed, { team: "net", env: "dev" })).to.equal(true);
        expect(sameTags({ team: "net", env: "dev" }, observed)).to.equal(true);
        expect(sameTags({ "aws:a": "1" }, undefined)).to.equal(true);
        expect(sameTags(observed, { team: "web", env: "dev" })).to.equal(false);
        expect(sameTags(observed, { team: "net" })).to.equal(false);
    });

    it("validateTags rejects a user-declared aws: key (any case) naming the key", () => {
        const errors = validateTags("tags", { "aws:cloudformation:stack-name": "x", "AWS:Owner": "y", ok: "z" });
        expect(errors).to.have.length(2);
        expect(errors[0]).to.include('"aws:cloudformation:stack-name"').and.include("reserves");
        expect(errors[1]).to.include('"AWS:Owner"');
        expect(validateTags("tags", { ok: "z" })).to.deep.equal([]);
        expect(validateTags("tags", undefined)).to.deep.equal([]);
        expect(validateTags("tags", ["a"])).to.deep.equal(["tags must be a map of string keys to string values"]);
        expect(validateTags("tags", { k: 1 })).to.deep.equal(["tags.k: tag values must be strings"]);
        expect(validateTags("tags", { ["k".repeat(129)]: "v" })[0]).to.include("1 to 128 characters");
        expect(validateTags("tags", { k: "v".repeat(257) })[0]).to.include("at most 256");
    });

    it("reconciledTags: observed system tags kept, user tags as desired", () => {
        expect(reconciledTags(observed, { team: "web" })).to.deep.equal({
            "aws:cloudformation:stack-name": "legacy",
            "AWS:CloudFormation:logical-id": "Nat",
            "Aws:createdBy": "someone",
            team: "web",
        });
        expect(reconciledTags(undefined, { "aws:x": "1", a: "b" })).to.deep.equal({ a: "b" });
    });

    it("describeTagChanges words the user-tag changes only (used by adoption previews)", () => {
        expect(describeTagChanges(observed, { team: "web", owner: "me" })).to.equal("tags: ~team=web, +owner=me, -env");
        expect(describeTagChanges(observed, { team: "net", env: "dev" })).to.equal(undefined);
        expect(describeTagChanges({ "aws:a": "1" }, {})).to.equal(undefined);
    });

    it("key/value list conversions round-trip", () => {
        const list = toKeyValueList({ a: "1", "aws:b": "2" });
        expect(list).to.deep.equal([
            { Key: "a", Value: "1" },
            { Key: "aws:b", Value: "2" },
        ]);
        expect(fromKeyValueList(list)).to.deep.equal({ a: "1", "aws:b": "2" });
        expect(fromKeyValueList([{ Key: "k" }, { Value: "orphan" }])).to.deep.equal({ k: "" });
        expect(fromKeyValueList(undefined)).to.deep.equal({});
    });
});
