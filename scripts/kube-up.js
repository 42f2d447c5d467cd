// Runs a local Kubernetes API server (real etcd + kube-apiserver, no kubelet)
// for the main job, until SIGTERM. Usage:
//
//   node scripts/kube-up.js <kubeconfig-out>
//
// Writes the admin kubeconfig to <kubeconfig-out> once the API server answers
// /readyz and has the installed AWS Load Balancer Controller's IngressClass
// "alb" (the caller waits for the file), then stays up. Needs
// ACKLESS_KUBE_BIN (source .ackless/env.sh) and the TypeScript build.
const fs = require("fs");
const path = require("path");
const { startKube } = require(path.join(__dirname, "..", "dist", "provider", "k8s", "control-plane.js"));

async function main() {
    const out = process.argv[2];
    if (!out) {
        throw new Error("usage: node scripts/kube-up.js <kubeconfig-out>");
    }
    const kube = await startKube();
    // The cluster as a team's cluster is: the AWS Load Balancer Controller is
    // installed (EKS add-on or Helm chart), so its IngressClass exists. No
    // controller runs here (no nodes); programs/edge reads the class by name.
    await kube.client.post("/apis/networking.k8s.io/v1/ingressclasses", {
        apiVersion: "networking.k8s.io/v1",
        kind: "IngressClass",
        metadata: { name: "alb" },
        spec: { controller: "ingress.k8s.aws/alb" },
    });
    let stopping = false;
    const stop = async () => {
        if (stopping) {
            return;
        }
        stopping = true;
        fs.rmSync(out, { force: true });
        await kube.stop();
        process.exit(0);
    };
    // SIGTERM only: Ctrl-C in the terminal is for the main script, which
    // destroys the stack before it stops this API server.
    process.on("SIGTERM", stop);
    fs.writeFileSync(`${out}.tmp`, kube.kubeconfigText, { mode: 0o600 });
    fs.renameSync(`${out}.tmp`, out);
    console.log(`kube-apiserver ready at ${kube.server}`);
    setInterval(() => undefined, 1 << 30);
}

main().catch((err) => {
    console.error(`kube-up: ${err.message}`);
    process.exit(1);
});
