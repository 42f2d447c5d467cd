// The lifecycle matrix (test/helpers/matrix.ts) for CloudFront functions. One file per kind, so that a parallel run
// (scripts/test.sh) spreads the kinds over its workers.
import { lifecycleMatrix } from "../helpers/matrix";

lifecycleMatrix("function");
