import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { ensurePythonTools, venvBin } from "./venv.ts";

/** A moto server in server mode on 127.0.0.1, the only address the tests talk to. */
export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/** Installs the pinned moto if needed, starts `moto_server -H 127.0.0.1 -p <free port>` and waits for it. */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  ensurePythonTools();
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(venvBin("moto_server"), ["-H", HOST, "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilAnswering(endpoint, child, timeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
