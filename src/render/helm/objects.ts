/** Rendered Helm manifests as Kubernetes objects (what the gate validates and applies). */
import type { Manifest } from './manifests.js';

export interface RenderedObject {
  object: Record<string, unknown>;
  /** The template file it came from (`chart/templates/x.yaml`). */
  source: string;
}

/** Each manifest's document as a JSON object (sigs.k8s.io/yaml, as Kubernetes clients read it). */
export function readRenderedManifests(manifests: readonly Manifest[]): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const m of manifests) {
    const v = m.value;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.push({ object: v as Record<string, unknown>, source: m.name });
    }
  }
  return out;
}
