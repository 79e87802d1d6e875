import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { expectedTemplate, formatImages, imageCarries } from '../../src/operations/expected-template.ts';
import { operationFixture } from '../support/operation-fixture.ts';

describe('imageCarries: the image a deploy of a version or ref must find', () => {
  const cases: [string, string, boolean][] = [
    ['ghcr.io/acme/api:v1.4.2', 'v1.4.2', true],
    ['ghcr.io/acme/api:v1.4.2@sha256:0123456789abcdef', 'v1.4.2', true],
    ['registry:5000/acme/api:v1.4.2', 'v1.4.2', true],
    ['ghcr.io/acme/api:v1.4.2', 'v1.4.3', false],
    ['ghcr.io/acme/api:v1.2-rc1', 'v1.2', false],
    ['ghcr.io/acme/api:v1.2.0', 'v1.2', false],
    ['ghcr.io/acme/api@sha256:0123456789abcdef', 'v1.4.2', false],
    ['registry:5000/acme/api', 'v1.4.2', false],
    // Branches become Docker tags the way docker/metadata-action writes them.
    ['ghcr.io/acme/api:feature-x', 'feature/x', true],
    ['ghcr.io/acme/api:feature-y', 'feature/x', false],
    // Commits: the sha, a prefix of it, or a tag part holding it.
    ['ghcr.io/acme/api:3f2c1e9', '3f2c1e9a4b5c6d7e8f90', true],
    ['ghcr.io/acme/api:sha-3f2c1e9', '3f2c1e9', true],
    ['ghcr.io/acme/api:main-3f2c1e9a4b', '3f2c1e9', true],
    ['ghcr.io/acme/api:sha-3f2c1e8', '3f2c1e9', false],
  ];
  for (const [image, ref, expected] of cases) {
    it(`${image} ${expected ? 'carries' : 'does not carry'} ${ref}`, () => {
      expect(imageCarries(image, ref)).toBe(expected);
    });
  }
});

describe('expectedTemplate: what each operation must find in the template', () => {
  const at = new Date('2026-01-05T10:00:00Z');
  const images = (...list: string[]) => list.map((image, i) => ({ container: `c${i}`, image }));

  it('a deploy: an image carrying its version', () => {
    const expected = expectedTemplate(operationFixture(at, { id: 'a' }));
    expect(expected?.description).toBe('v1.2.3');
    expect(expected?.matches(images('ghcr.io/acme/web:v1.2.3', 'envoy:1.30'))).toBe(true);
    expect(expected?.matches(images('ghcr.io/acme/web:v1.0.0'))).toBe(false);
  });

  it('a rollback through the workflow: the version it goes back to', () => {
    const op = operationFixture(at, {
      id: 'b',
      kind: 'rollback',
      ref: 'v1.1.0',
      inputs: { version: 'v1.1.0', environment: 'staging' },
    });
    expect(expectedTemplate(op)?.matches(images('ghcr.io/acme/web:v1.1.0'))).toBe(true);
    expect(expectedTemplate(op)?.matches(images('ghcr.io/acme/web:v1.2.3'))).toBe(false);
  });

  it('a Kubernetes undo: every image of the revision it restored, container by container', () => {
    const restored = [
      { container: 'web', image: 'ghcr.io/acme/web:v1.1.0' },
      { container: 'envoy', image: 'envoy:1.29' },
    ];
    const op = operationFixture(at, {
      id: 'c',
      kind: 'rollback',
      ref: '4',
      inputs: { from_revision: '6', to_revision: '4', to_images: formatImages(restored) },
    });
    const expected = expectedTemplate(op);
    expect(expected?.description).toBe(
      'the images of revision 4 (web=ghcr.io/acme/web:v1.1.0,envoy=envoy:1.29)',
    );
    expect(expected?.matches(restored)).toBe(true);
    expect(expected?.matches([restored[0]!, { container: 'envoy', image: 'envoy:1.30' }])).toBe(false);
  });

  it('a Kubernetes undo recorded before images were kept: nothing to compare', () => {
    const op = operationFixture(at, { id: 'd', kind: 'rollback', ref: '4', inputs: { from_revision: '6' } });
    expect(expectedTemplate(op)).toBeNull();
  });
});

describe('ManualClock deadlines', () => {
  it('pass when the clock is moved past them, with the reason AbortSignal.timeout gives', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const soon = clock.deadline(1000);
    const later = clock.deadline(5000);
    clock.advance(999);
    expect(soon.aborted).toBe(false);
    clock.advance(1);
    expect(soon.aborted).toBe(true);
    expect((soon.reason as DOMException).name).toBe('TimeoutError');
    expect(later.aborted).toBe(false);
    clock.set('2026-01-05T11:00:00Z');
    expect(later.aborted).toBe(true);
  });
});
