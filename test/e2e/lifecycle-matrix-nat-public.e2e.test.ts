// The lifecycle matrix (test/helpers/matrix.ts) for public NAT gateways keeping their Elastic IP. One file per kind, so that a parallel run
// (scripts/test.sh) spreads the kinds over its workers.
import { lifecycleMatrix } from "../helpers/matrix";

lifecycleMatrix("nat-public");
