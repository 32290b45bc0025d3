/**
 * Where things live in the models bucket. The workers load `models/current/`; a training run reads a set of
 * songs from `training/<set>/` and writes its model and training report to `models/candidates/<id>/`, which
 * the owner promotes to `models/current/` by copying it there.
 */
export const CURRENT_MODEL_PREFIX = "models/current/";
export const CANDIDATES_PREFIX = "models/candidates/";
export const TRAINING_SETS_PREFIX = "training/";

/** Names of training sets and candidates: one S3 path segment, nothing a shell or a URL would reinterpret. */
export const SEGMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const trainingSetPrefix = (set: string): string => `${TRAINING_SETS_PREFIX}${set}/`;
export const candidatePrefix = (id: string): string => `${CANDIDATES_PREFIX}${id}/`;

/** The command that makes a candidate the model the workers load (`--delete` drops the old model's extra shards). */
export const promoteCommand = (bucket: string, id: string): string =>
  `aws s3 sync s3://${bucket}/${candidatePrefix(id)} s3://${bucket}/${CURRENT_MODEL_PREFIX} --delete`;
