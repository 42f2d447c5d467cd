/**
 * cloudfront.KeyValueStore: the lifecycle driver's adapter
 * (../../lifecycle/adapter.ts), and the provider the registry loads.
 *
 * What is particular to key value stores:
 * - the key is the name (keys.ts): a declared name is used as is, a generated
 *   one is derived from the resource's identity and walked (`<name>_1`...);
 *   the name is unique in the account (409 EntityAlreadyExists);
 * - CreateKeyValueStore takes the tags, the lifecycle's among them;
 * - a new store is PROVISIONING, then READY: settle waits for READY, then
 *   writes the declared `items` through the data plane (UpdateKeys);
 * - `items` owns only the keys the program declares (ops.ts, delta.ts);
 * - delete retries CannotDeleteEntityWhileInUse while a function lets go of it.
 */
import { AcklessError } from "../../common/errors";
import { warn } from "../../common/log";
import { Deadline } from "../../common/wait";
import type { KindAdapter } from "../../lifecycle/adapter";
import { lifecycleProvider } from "../../lifecycle/driver";
import { PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { adoptionChanges, driftNotes, outputsOf, storeDiff } from "./delta";
import { nthName } from "./keys";
import { createStore, deleteNamed, readOwnedItems, reconcile, settle, update } from "./ops";
import { clearMarker, findStore } from "./sdk";
import { KeyValueStoreInputs, KIND, NAME_PATTERN, ObservedStore } from "./types";
import { isFailedStatus, readyTimeoutMs } from "./wait";
import { validate } from "./validate";

const WHAT = "CloudFront key value store";

export const adapter: KindAdapter<KeyValueStoreInputs, ObservedStore> = {
    kind: KIND,
    what: WHAT,
    keyName: "name",
    adoptId: { what: "a CloudFront key value store name ([A-Za-z0-9_-]{1,64})", pattern: NAME_PATTERN },
    replaceField: "name",
    readyTimeout: "fail",
    readWaitsWhileDeleting: false,

    validate,
    planAdoption(inputs, store) {
        // Known now: kept among the inputs so functions associating it see it at preview.
        (inputs as KeyValueStoreInputs & { arn?: string }).arn = store.arn;
        return { failures: [], changes: adoptionChanges(inputs, store) };
    },

    createKey: (inputs) => ({ base: inputs.name, walk: inputs.__nameGenerated === true }),
    nthKey: nthName,
    createWithKey: createStore,
    keyTaken: (name, holder) =>
        new AcklessError(
            `creating ${WHAT} "${name}": a key value store with this name already exists in the account` +
                `${holder === undefined ? " (or was just deleted)" : ""}, and it is not an unfinished create of this resource. ` +
                `If it is yours, take it over with adopt: { id: "${name}" }; if this is a replacement of a store with a declared ` +
                `name, the old one must go first: set the deleteBeforeReplace resource option; otherwise choose another name ` +
                `(or omit name to get a generated one)`,
            "EntityAlreadyExists",
        ),

    idOf: (store) => store.name,
    async find(name, props) {
        const store = await findStore(name);
        const owned = props?.items && typeof props.items === "object" ? Object.keys(props.items) : undefined;
        if (!store || owned === undefined) {
            return store;
        }
        const items = await readOwnedItems(store, owned);
        return items === undefined ? store : { ...store, items };
    },
    liveness: (store) => (isFailedStatus(store.status) ? "failed" : "live"),
    failure: (store) => ({ code: store.status, message: `CloudFront reports key value store ${store.name} ${store.status}` }),
    tagsOf: (store) => store.allTags,
    markerOf: (store) => store.allTags[PENDING_CREATE_TAG],

    settle,
    // PROVISIONING -> READY and the items (R5's visibility wait has its own budget in the driver).
    createDeadline: () => new Deadline(readyTimeoutMs()),
    clearMarker,
    reconcile,
    outputs: (base, store) => outputsOf(base, store),

    diff: storeDiff,
    update,
    readNotes(id, props, _outs, store) {
        for (const note of driftNotes(id, props, store)) {
            warn(note);
        }
    },

    remove: (name, props) => deleteNamed(name, props),
};

export const provider = lifecycleProvider(adapter);
