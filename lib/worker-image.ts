import { DockerImageAsset, Platform } from "aws-cdk-lib/aws-ecr-assets";
import { ContainerImage } from "aws-cdk-lib/aws-ecs";
import type { Construct } from "constructs";
import { REPOSITORY_ROOT } from "./upload-validation.ts";

/**
 * Not sent to the Docker build: the image copies the sources and the package files, and bakes only the
 * shipped conductor (models/conductor); other models come from the models bucket at run time.
 */
export const WORKER_IMAGE_EXCLUDES = [
  ".git",
  "**/node_modules",
  "cdk.out",
  ".venv",
  ".work",
  ".scratch",
  "corpus",
  "models/*",
  "!models/conductor",
  "out",
  "tests",
  "**/*.log",
];

export interface WorkerImageProps {
  /**
   * Docker build context; the Dockerfile path below is relative to it.
   * @default the repository root
   */
  readonly directory?: string;
  /**
   * @default "container/Dockerfile"
   */
  readonly dockerfile?: string;
  /** Overrides the libtensorflow checksum the Dockerfile pins (its download is checked against it). */
  readonly libtensorflowSha256?: string | undefined;
}

/** The one GPU image (container/Dockerfile): the extension workers and the training task both run it. */
export interface WorkerImage {
  readonly image: ContainerImage;
  /** The asset behind it: its URI and repository, for hosts that pull it ahead of a task (GpuCapacity.prePull). */
  readonly asset: DockerImageAsset;
}

export function workerImage(scope: Construct, props: WorkerImageProps = {}): WorkerImage {
  const asset = new DockerImageAsset(scope, "WorkerImage", {
    directory: props.directory ?? REPOSITORY_ROOT,
    file: props.dockerfile ?? "container/Dockerfile",
    exclude: WORKER_IMAGE_EXCLUDES,
    platform: Platform.LINUX_AMD64,
    // Only an override is passed: an empty build argument would replace the Dockerfile's pinned checksum.
    ...(props.libtensorflowSha256 === undefined
      ? {}
      : { buildArgs: { LIBTENSORFLOW_SHA256: props.libtensorflowSha256 } }),
  });
  return { asset, image: ContainerImage.fromDockerImageAsset(asset) };
}
