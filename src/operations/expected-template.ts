import type { ContainerImage } from '../kubernetes/port.ts';
import { imageTagFor, isCommitSha } from '../core/safe-ref.ts';
import type { Operation } from './types.ts';

/**
 * What an operation must find in its Deployment's template before the rollout it watches counts as
 * its own: a deploy (or a rollback through the workflow) the image carrying its version; a Kubernetes
 * undo the images of the revision it restored. Without this, "some rollout completed" (another
 * deploy's, or the old one when the workflow changed nothing) would pass for success.
 */
export interface ExpectedTemplate {
  /** For people: `v1.4.2`, `the images of revision 41 (api=ghcr.io/acme/api:v1.1.0)`. */
  description: string;
  matches(images: readonly ContainerImage[]): boolean;
}

/** The input a Kubernetes undo records its target's images in, before it writes anything. */
export const UNDO_IMAGES_INPUT = 'to_images';

/**
 * The template this operation started, or null when its records do not say (a Kubernetes rollback
 * recorded before Deckhand kept the target's images).
 */
export function expectedTemplate(op: Operation): ExpectedTemplate | null {
  const recorded = op.inputs[UNDO_IMAGES_INPUT];
  if (recorded !== undefined) {
    const wanted = parseImages(recorded);
    return {
      description: `the images of revision ${op.inputs.to_revision ?? op.ref} (${recorded})`,
      matches: (images) =>
        wanted.length > 0 &&
        wanted.every((w) => images.some((i) => i.container === w.container && i.image === w.image)),
    };
  }
  const version = op.inputs.version ?? (op.kind === 'deploy' ? op.ref : undefined);
  if (version === undefined || version === '') return null;
  return { description: version, matches: (images) => images.some((i) => imageCarries(i.image, version)) };
}

/** `api=ghcr.io/acme/api:v1.1.0,sidecar=…`: a template's images as one input value. */
export function formatImages(images: readonly ContainerImage[]): string {
  return images.map((i) => `${i.container}=${i.image}`).join(',');
}

function parseImages(text: string): ContainerImage[] {
  return text
    .split(',')
    .filter((part) => part.includes('='))
    .map((part) => {
      const at = part.indexOf('=');
      return { container: part.slice(0, at), image: part.slice(at + 1) };
    });
}

/**
 * Whether an image reference carries a version or git ref: its tag is the ref as a Docker tag (`/` and
 * other characters a tag cannot hold become `-`, as docker/metadata-action writes branch tags), or, for
 * a commit sha, one of the tag's parts is that sha or a prefix of it of 7 characters or more
 * (`sha-3f2c1e9`, `main-3f2c1e9`). A version must match exactly: `v1.2` is not `v1.2-rc1`. An image
 * pinned by digest alone carries no version.
 */
export function imageCarries(image: string, ref: string): boolean {
  const tag = tagOf(image);
  if (tag === null) return false;
  const want = imageTagFor(ref).toLowerCase();
  if (tag.toLowerCase() === want) return true;
  if (!isCommitSha(ref)) return false;
  const sha = ref.toLowerCase();
  return tag
    .toLowerCase()
    .split(/[-_.]/)
    .some((part) => /^[0-9a-f]{7,40}$/.test(part) && (sha.startsWith(part) || part.startsWith(sha)));
}

/** `ghcr.io/acme/api:v1.2.3@sha256:…` → `v1.2.3`; null without a tag. */
function tagOf(image: string): string | null {
  const name = image.split('@')[0] ?? '';
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon === -1 ? null : last.slice(colon + 1);
}
