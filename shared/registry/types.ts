/** One file of a model version, path relative to the model directory with `/` separators. */
export interface ModelFile {
  path: string;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
}

/** A pushed model version as every backend reports it. */
export interface VersionSummary {
  name: string;
  version: string;
  /** The content digest of the model files (see model-files.ts), identical across backends. */
  digest: string;
  createdAt?: string;
  aliases: string[];
  /** Where this exact version can be fetched from (registry-specific, credentials never included). */
  uri: string;
}

export interface EvidenceEntry extends ModelFile {
  /** From the evidence document when it names them. */
  step?: string;
  status?: string;
  summary?: string;
}

export interface VersionDetails extends VersionSummary {
  files: ModelFile[];
  evidence: EvidenceEntry[];
  /** The evaluate metrics recorded at push time, as an object. */
  metrics?: Record<string, number>;
  /** Backend-neutral metadata: git sha, CI run URL, metric summary, ... */
  metadata: Record<string, string>;
  size: number;
}

export interface PushMetadata {
  gitSha?: string;
  runUrl?: string;
  /** name -> value, from the evaluate evidence attached (never merged with train's). */
  metrics?: Record<string, number>;
  /** Digest of the (id, label) pairs the attached evaluate scored (see metrics/rows-digest.ts). */
  evaluateRows?: string;
  /** Steps whose failed evidence was attached because the push allowed it (`allow-failed-evidence`). */
  allowedFailedEvidence?: string[];
}

export interface PushRequest {
  name: string;
  /** Absolute path of the model directory (or a single file). */
  path: string;
  /** Evidence to attach, by the name it gets in the version: only what belongs to this content. */
  evidence?: { name: string; absolute: string }[];
  metadata?: PushMetadata;
}

export interface PushResult {
  name: string;
  version: string;
  digest: string;
  uri: string;
  /** False when identical content was already in the registry and that version is returned. */
  created: boolean;
}

export interface PullResult {
  name: string;
  version: string;
  digest: string;
  dest: string;
  files: ModelFile[];
}

export interface AliasEvent {
  alias: string;
  /** The version before the move; undefined when the alias was new. */
  from?: string;
  to: string;
  by: string;
  at: string;
  /** 1-based position in the alias history. */
  seq: number;
}

export interface AliasRequest {
  name: string;
  alias: string;
  version: string;
  /**
   * Compare-and-swap: the version the alias must point at now. `null` means "the alias must not
   * exist yet". Undefined moves unconditionally.
   */
  expect?: string | null;
  by?: string;
}

export type AliasOutcome =
  | { moved: true; event: AliasEvent }
  | { moved: false; current: string | undefined };

/** A document attached to a version after its push (the gate's audit records), kept beside its evidence. */
export interface VersionRecord {
  /** File name, unique within the version; records sort by it (the gate's names start with the time). */
  name: string;
  mediaType: string;
  /** `sha256:<hex>` of the content. */
  digest: string;
  size: number;
}

export interface RecordRequest {
  name: string;
  version: string;
  /** A file name: letters, digits, `.`, `_`, `-`; refused when the version already has a record of that name. */
  record: string;
  mediaType: string;
  content: Uint8Array;
}

export interface Progress {
  /** Called with cumulative bytes; implementations throttle themselves. */
  (label: string, done: number, total: number): void;
}

export interface RegistryOptions {
  /** Working directory for relative `file://` paths. */
  cwd: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  token?: string;
  /** Logs progress lines; already throttled by the caller. */
  progress?: Progress;
  signal?: AbortSignal;
  /** Environment for credential fallbacks (MLFLOW_TRACKING_TOKEN, ...). */
  env?: NodeJS.ProcessEnv;
  /** OCI: files above this size go up in chunks of this size (bytes). */
  chunkSize?: number;
  /** MLflow: how long to wait for READY, in ms. */
  readyTimeoutMs?: number;
}

/** The one interface every backend implements; chosen by URI in `openRegistry`. */
export interface Registry {
  readonly kind: 'file' | 'oci' | 'mlflow';
  /** The URI without credentials, for logs and results. */
  readonly displayUri: string;
  push(request: PushRequest): Promise<PushResult>;
  list(name: string): Promise<VersionSummary[]>;
  /** `version` may be a version or an alias. */
  show(name: string, version: string): Promise<VersionDetails>;
  /** Verifies every digest; writes `dest` only when all files verified. */
  pull(name: string, version: string, dest: string): Promise<PullResult>;
  /** The evidence attached to a version (evaluate.json, evaluate-predictions.csv, ...), verified like pull. */
  pullEvidence(name: string, version: string, dest: string): Promise<PullResult>;
  getAlias(name: string, alias: string): Promise<string | undefined>;
  setAlias(request: AliasRequest): Promise<AliasOutcome>;
  history(name: string, alias?: string): Promise<AliasEvent[]>;
  /** Attaches a record to an existing version; the version's files and evidence stay as pushed. */
  attachRecord(request: RecordRequest): Promise<VersionRecord>;
  /** The records attached to a version, sorted by name, each verified against its digest. */
  readRecords(name: string, version: string): Promise<{ record: VersionRecord; content: Buffer }[]>;
}
