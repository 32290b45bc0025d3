import type { TestProject } from "vitest/node";
import { startMoto } from "./moto.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the moto server shared by the integration tests. */
    motoEndpoint: string;
  }
}

/** Starts one moto server for the whole run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide("motoEndpoint", moto.endpoint);
  return () => moto.stop();
}
