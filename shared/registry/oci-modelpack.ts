import { basename } from 'node:path';
import { normalizeVersion } from './names.js';
import { EMPTY_DESCRIPTOR, OciMediaType, type Descriptor, type Manifest } from './oci-distribution.js';
import type { EvidenceEntry, ModelFile } from './types.js';

// CNCF ModelPack (model-spec v1) media types, plus modelci's own for evidence and alias history.
export const MediaType = {
  ...OciMediaType,
  modelArtifact: 'application/vnd.cncf.model.manifest.v1+json',
  modelConfig: 'application/vnd.cncf.model.config.v1+json',
  weight: 'application/vnd.cncf.model.weight.v1.raw',
  weightConfig: 'application/vnd.cncf.model.weight.config.v1.raw',
  doc: 'application/vnd.cncf.model.doc.v1.raw',
  code: 'application/vnd.cncf.model.code.v1.raw',
  evidence: 'application/vnd.modelci.evidence.v1+json',
  aliasHistory: 'application/vnd.modelci.alias-history.v1+json',
  records: 'application/vnd.modelci.records.v1+json',
} as const;

export const Annotation = {
  filepath: 'org.cncf.model.filepath',
  created: 'org.opencontainers.image.created',
  title: 'org.opencontainers.image.title',
  name: 'org.modelci.model.name',
  version: 'org.modelci.model.version',
  digest: 'org.modelci.model.digest',
  metadataPrefix: 'org.modelci.metadata.',
  evidenceStep: 'org.modelci.evidence.step',
  evidenceStatus: 'org.modelci.evidence.status',
} as const;

/** ModelPack layer type by file name: docs, code, weight configs, else weights. */
export function layerMediaType(path: string): string {
  const name = basename(path).toLowerCase();
  if (/\.(md|txt|rst)$/.test(name) || /^(license|readme|notice)/.test(name)) return MediaType.doc;
  if (/\.(py|ipynb|sh|r|js|ts)$/.test(name)) return MediaType.code;
  if (/\.(json|ya?ml|toml|cfg|ini)$/.test(name) || name === 'mlmodel') return MediaType.weightConfig;
  return MediaType.weight;
}

/**
 * Tag layout: version N is tag `N`; `content-sha256-<hex>` indexes versions by content digest
 * so a re-push is found in one request; `history-<alias>` holds an alias's history. Every other
 * tag is an alias.
 */
export function contentTag(digest: string): string {
  return `content-sha256-${digest.slice('sha256:'.length)}`;
}

export function historyTag(alias: string): string {
  return `history-${alias}`;
}

/** `modelci-records-<N>`: the records attached to version N after its push. */
export function recordsTag(version: string): string {
  return `modelci-records-${version}`;
}

export function isReservedTag(tag: string): boolean {
  return normalizeVersion(tag) === tag || tag.startsWith('content-sha256-') || tag.startsWith('history-') || tag.startsWith('modelci-');
}

/** A version's attached records: one layer each, named by its file path annotation, with the empty config. */
export function recordsManifest(layers: Descriptor[], createdAt: string): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    artifactType: MediaType.records,
    config: EMPTY_DESCRIPTOR,
    layers,
    annotations: { [Annotation.created]: createdAt },
  };
}

/** The model's files, then its evidence, as manifest layers. */
export function modelLayers(files: ModelFile[], evidence: EvidenceEntry[]): Descriptor[] {
  return [
    ...files.map((file) => ({ mediaType: layerMediaType(file.path), digest: file.digest, size: file.size, annotations: { [Annotation.filepath]: file.path } })),
    ...evidence.map((file) => ({ mediaType: MediaType.evidence, digest: file.digest, size: file.size, annotations: evidenceAnnotations(file) })),
  ];
}

function evidenceAnnotations(file: EvidenceEntry): Record<string, string> {
  return {
    [Annotation.filepath]: `evidence/${file.path}`,
    ...(file.step ? { [Annotation.evidenceStep]: file.step } : {}),
    ...(file.status ? { [Annotation.evidenceStatus]: file.status } : {}),
  };
}

export interface ModelVersionFields {
  name: string;
  version: string;
  createdAt: string;
  /** The model's content digest (directory digest of its files). */
  digest: string;
  files: ModelFile[];
  metadata: Record<string, string>;
}

/** The ModelPack config blob: the model's descriptor and the digests of its file layers. */
export function modelConfig(fields: ModelVersionFields): Buffer {
  return Buffer.from(JSON.stringify({
    descriptor: { name: fields.name, version: fields.version, createdAt: fields.createdAt },
    config: {},
    modelfs: { type: 'layers', diffIds: fields.files.map((file) => file.digest) },
  }));
}

export function modelManifest(fields: ModelVersionFields, config: Descriptor, layers: Descriptor[]): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    artifactType: MediaType.modelArtifact,
    config: { ...config, mediaType: MediaType.modelConfig },
    layers,
    annotations: {
      [Annotation.created]: fields.createdAt,
      [Annotation.name]: fields.name,
      [Annotation.version]: fields.version,
      [Annotation.digest]: fields.digest,
      ...Object.fromEntries(Object.entries(fields.metadata).map(([key, value]) => [`${Annotation.metadataPrefix}${key}`, value])),
    },
  };
}

/** The model files and the evidence of a pushed version, from its layers. */
export function readLayers(manifest: Manifest): { files: ModelFile[]; evidence: EvidenceEntry[] } {
  const files: ModelFile[] = [];
  const evidence: EvidenceEntry[] = [];
  for (const layer of manifest.layers) {
    const path = layer.annotations?.[Annotation.filepath] ?? layer.digest;
    if (layer.mediaType === MediaType.evidence) {
      const entry: EvidenceEntry = { path: path.replace(/^evidence\//, ''), digest: layer.digest, size: layer.size };
      const step = layer.annotations?.[Annotation.evidenceStep];
      const status = layer.annotations?.[Annotation.evidenceStatus];
      if (step) entry.step = step;
      if (status) entry.status = status;
      evidence.push(entry);
    } else {
      files.push({ path, digest: layer.digest, size: layer.size });
    }
  }
  return { files, evidence };
}

/** The files a pull writes: every layer but evidence, at its recorded path. */
export function pulledFiles(manifest: Manifest): ModelFile[] {
  return manifest.layers
    .filter((layer) => layer.mediaType !== MediaType.evidence)
    .map((layer) => ({ path: layer.annotations?.[Annotation.filepath] ?? '', digest: layer.digest, size: layer.size }));
}

/** The user's metadata (key=value) stored as prefixed annotations. */
export function manifestMetadata(annotations: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) if (key.startsWith(Annotation.metadataPrefix)) metadata[key.slice(Annotation.metadataPrefix.length)] = value;
  return metadata;
}

/** An alias's history: one JSON layer in an artifact of its own, with the empty config. */
export function historyManifest(layer: Descriptor, createdAt: string): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    artifactType: MediaType.aliasHistory,
    config: EMPTY_DESCRIPTOR,
    layers: [{ ...layer, mediaType: MediaType.aliasHistory }],
    annotations: { [Annotation.created]: createdAt },
  };
}
