/**
 * k8s.CustomResourceDeletion's import guard (importedIds): the custom
 * resource of an imported AWS resource is deleted only when the stack holds
 * every import entry's resource with the id import.json names; otherwise it
 * refuses before any call to the API server. And ReferenceRewrite's pointer
 * reading.
 */
import { expect } from "chai";
import { checkImported, deleteCustomResource } from "../../provider/k8s/custom-resource-deletion-provider";
import { atPointer } from "../../provider/k8s/reference-rewrite-provider";

const target = {
    kubeconfig: "not a kubeconfig: never read when the guard refuses",
    apiVersion: "ec2.services.k8s.aws/v1alpha1",
    kind: "VPC",
    plural: "vpcs",
    namespace: "net",
    name: "main",
    finalizer: "finalizers.ec2.services.k8s.aws/VPC",
};

describe("unit: k8s.CustomResourceDeletion refuses to retire a custom resource whose AWS resource is not in the stack", () => {
    it("passes when every entry is in the stack with the id import.json names, or when there is no import guard", () => {
        expect(() =>
            checkImported({ ...target, importedIds: [{ what: "aws:ec2/vpc:Vpc::main", expected: "vpc-1", actual: "vpc-1" }] }),
        ).not.to.throw();
        expect(() => checkImported(target)).not.to.throw();
    });

    it("refuses when an entry is missing or has another id, naming each", () => {
        expect(() =>
            checkImported({
                ...target,
                importedIds: [
                    { what: "aws:ec2/vpc:Vpc::main", expected: "vpc-1", actual: undefined },
                    { what: "aws:ec2/route:Route::r", expected: "rtb-1_0.0.0.0/0", actual: "rtb-9_0.0.0.0/0" },
                ],
            }),
        ).to.throw(
            "refusing to delete VPC net/main: its AWS resource is not in this stack's state as import.json names it " +
                "(aws:ec2/vpc:Vpc::main: expected vpc-1, the stack has nothing; aws:ec2/route:Route::r: expected rtb-1_0.0.0.0/0, the stack has rtb-9_0.0.0.0/0)",
        );
    });

    it("the deletion checks the guard first: no kubeconfig is even loaded", async () => {
        const err = await deleteCustomResource({ ...target, importedIds: [{ what: "aws:ec2/vpc:Vpc::main", expected: "vpc-1" }] }).catch((e) => e);
        expect(err.message).to.match(/^refusing to delete VPC net\/main: its AWS resource is not in this stack's state/);
    });

    it("ReferenceRewrite reads JSON pointers (RFC 6901)", () => {
        const obj = { spec: { routes: [{ natGatewayRef: { from: { name: "egress" } } }], "a/b": { "c~d": 1 } } };
        expect(atPointer(obj, "/spec/routes/0/natGatewayRef")).to.deep.equal({ from: { name: "egress" } });
        expect(atPointer(obj, "/spec/a~1b/c~0d")).to.equal(1);
        expect(atPointer(obj, "/spec/routes/1/natGatewayRef")).to.equal(undefined);
    });
});
