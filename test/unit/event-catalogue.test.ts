import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/events/domain-event.ts';

const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');

describe('the event catalogue in docs/architecture.md', () => {
  it('lists exactly the event types of the union, in its order', () => {
    const section = doc.slice(doc.indexOf('## Event catalogue'), doc.indexOf('## Layout'));
    const listed = [...section.matchAll(/^\|\s*`([a-z_.]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...EVENT_TYPES]);
  });
});
