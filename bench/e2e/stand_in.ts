/**
 * The local SageMaker stand-in for the e2e part, without its per-request log
 * (which would cost the same for every contestant, and only add noise).
 *
 * @module
 */
import { startSageMakerStandIn } from "../../local/sagemaker_stand_in/mod.ts";

const standIn = await startSageMakerStandIn({ port: 0, log: () => {} });
console.error(`ready ${standIn.url}`);
Deno.addSignalListener("SIGTERM", () => {
  standIn.close().then(() => Deno.exit(0));
});
