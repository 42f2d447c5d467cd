/**
 * `ackless handover-status` (provider/handover/status.ts): lists the custom
 * resources of the 29 kinds still in the cluster, or says nothing is left and
 * the controllers can be uninstalled.
 */
import { expect } from "chai";
import { KubeError } from "../../provider/k8s/kube";
import { remaining, statusText } from "../../provider/handover/status";

describe("unit: ackless handover-status", () => {
    it("lists every kind of the 29 in each namespace asked; a kind whose CRD is missing has none", async () => {
        const lists: string[] = [];
        const api = {
            async list(ref: { apiVersion: string; plural: string; namespace?: string }): Promise<any[]> {
                lists.push(`${ref.plural} ${ref.namespace ?? "*"}`);
                if (ref.plural === "vpcs") {
                    return [{ metadata: { name: "main", namespace: "net" }, status: { vpcID: "vpc-1" } }];
                }
                if (ref.plural === "natgateways") {
                    return [{ metadata: { name: "egress", namespace: "net", deletionTimestamp: "2026-01-01T00:00:00Z" }, status: {} }];
                }
                throw new KubeError(404, "NotFound", "no CRD");
            },
        };
        const left = await remaining(api, undefined);
        expect(lists).to.have.length(29);
        expect(lists).to.include("vpcs *");
        const text = statusText(left, "all namespaces (context prod)");
        expect(text).to.equal(
            "2 custom resources of the ACK cloudfront and ec2 controllers left in all namespaces (context prod): the controllers still manage them, keep them installed.\n" +
                "  NATGateway net/egress (no id, being deleted): hand over as ec2.NatGateway\n" +
                "  VPC net/main (vpc-1): import as aws:ec2/vpc:Vpc\n" +
                "Run ackless adopt-ack for these, then pulumi import and pulumi up (docs/ack-handover.md).\n",
        );
    });

    it("nothing left: says so, and that the controllers can be uninstalled", async () => {
        const left = await remaining({ list: async () => [] }, ["web", "net"]);
        expect(left).to.deep.equal([]);
        expect(statusText(left, "namespaces web, net (context prod)")).to.equal(
            "Nothing left: no custom resource of the 29 kinds of the ACK cloudfront and ec2 controllers in namespaces web, net (context prod).\n" +
                "The ACK controllers (cloudfront-controller, ec2-controller) manage nothing here any more and can be uninstalled.\n",
        );
    });

    it("an error other than a missing CRD is not hidden", async () => {
        const err = await remaining(
            {
                list: async () => {
                    throw new KubeError(403, "Forbidden", "may not list");
                },
            },
            undefined,
        ).catch((e) => e);
        expect(err.message).to.equal("may not list");
    });
});
