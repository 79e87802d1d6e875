/**
 * Declaring an incident in a modal, through signed slash commands and view submissions against the
 * fake Slack Web API (which checks views.open as Slack does): `/ops incident declare` without a title
 * opens the modal; its submission runs the same command as typing it (policy, audit, idempotency),
 * and wrong values are answered under their fields.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TITLE } from '../../src/incidents/incident-declaration.ts';
import { sendInteraction, viewSubmissionPayload, type ViewFieldState } from '../fakes/interaction-request.ts';
import {
  caughtUp,
  SIGNING_SECRET,
  slash,
  startIncidentStack,
  type IncidentStack,
} from '../support/slack-incident-stack.ts';

let h: IncidentStack | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Block = { type: string; block_id?: string; element?: Record<string, unknown> };

const fields = (view: Record<string, unknown>) =>
  new Map((view.blocks as Block[]).filter((b) => b.type === 'input').map((b) => [b.block_id, b]));

const title = (value: string | null): ViewFieldState => ({ type: 'plain_text_input', value });
const severity = (value: string): ViewFieldState => ({ type: 'static_select', selected_option: { value } });
const services = (...values: string[]): ViewFieldState => ({
  type: 'multi_static_select',
  selected_options: values.map((value) => ({ value })),
});

/** Submits the `which`-th opened modal as `userId` with these values, then waits for the sinks. */
async function submit(
  s: IncidentStack,
  userId: string,
  values: {
    title: ViewFieldState;
    severity: ViewFieldState;
    services: ViewFieldState;
    environment?: ViewFieldState;
  },
  which = 0,
): Promise<{ status: number; body: unknown }> {
  const view = s.slack.views[which];
  if (view === undefined) throw new Error('no modal was opened');
  const state = {
    'incident:title': { value: values.title },
    'incident:severity': { value: values.severity },
    'incident:services': { value: values.services },
    'incident:environment': { value: values.environment ?? { type: 'static_select', selected_option: null } },
  };
  const res = await sendInteraction(
    s.stack.baseUrl,
    viewSubmissionPayload({ userId, view, values: state }),
    SIGNING_SECRET,
  );
  await caughtUp(s.stack);
  return res;
}

/** Until the submitter was answered (the submission runs after Slack's acknowledgement), then the sinks. */
async function answered(s: IncidentStack, userId: string): Promise<void> {
  await vi.waitFor(
    () => expect(s.slack.callsTo('chat.postEphemeral').some((c) => c.params.user === userId)).toBe(true),
    { timeout: 5000 },
  );
  await caughtUp(s.stack);
}

async function openModal(s: IncidentStack, text = 'incident declare', userId = 'U000ADMIN') {
  const before = s.slack.views.length;
  await slash(s, text, { userId });
  await vi.waitFor(() => expect(s.slack.views).toHaveLength(before + 1), { timeout: 5000 });
  return s.slack.views[before]?.view ?? {};
}

describe('declaring an incident in a modal', () => {
  it('opens a modal with the title, the severity preset from config and the services from deckhand.yml', async () => {
    h = await startIncidentStack((c) => (c.incidents.defaultSeverity = 'sev2'));
    const view = await openModal(h);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'incident_declare',
      submit: { text: 'Declare' },
    });
    expect(JSON.parse(String(view.private_metadata))).toEqual({ channel: 'C0DEPLOYS' });
    const inputs = fields(view);
    expect([...inputs.keys()]).toEqual([
      'incident:title',
      'incident:severity',
      'incident:services',
      'incident:environment',
    ]);
    expect(inputs.get('incident:title')?.element).toMatchObject({
      type: 'plain_text_input',
      max_length: MAX_TITLE,
    });
    expect(inputs.get('incident:severity')?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: 'sev2' },
    });
    const offered = (inputs.get('incident:services')?.element?.options as { value: string }[]).map(
      (o) => o.value,
    );
    expect(offered).toEqual(h.stack.deckhand.catalog.serviceNames);
    // Nothing was declared by opening it.
    expect(await h.stack.deckhand.store.incidents.listOpen()).toEqual([]);
  });

  it('fills in the severity and services typed beside an empty title', async () => {
    h = await startIncidentStack();
    const view = await openModal(h, 'incident declare "" sev1 api');
    const inputs = fields(view);
    expect(inputs.get('incident:severity')?.element).toMatchObject({ initial_option: { value: 'sev1' } });
    expect(inputs.get('incident:services')?.element).toMatchObject({ initial_options: [{ value: 'api' }] });
  });

  it('declares through the same command as typing it: one incident, one channel, one audit entry, even when Slack delivers the submission twice', async () => {
    h = await startIncidentStack();
    await openModal(h);
    const values = {
      title: title('Checkout "500s" again'),
      severity: severity('sev1'),
      services: services('api'),
      environment: { type: 'static_select', selected_option: { value: 'production' } } as ViewFieldState,
    };
    expect((await submit(h, 'U000ADMIN', values)).status).toBe(200);
    await answered(h, 'U000ADMIN');
    expect((await submit(h, 'U000ADMIN', values)).status).toBe(200);
    await caughtUp(h.stack);

    const open = await h.stack.deckhand.store.incidents.listOpen();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      title: 'Checkout "500s" again',
      severity: 'sev1',
      services: ['api'],
      environment: 'production',
    });
    expect(h.slack.callsTo('conversations.create')).toHaveLength(1);
    const declared = await h.stack.deckhand.store.audit.recent({ limit: 10, command: 'incident' });
    const fromModal = declared.filter(
      (e) => e.text.startsWith('incident declare "') || e.text.startsWith("incident declare '"),
    );
    expect(fromModal).toHaveLength(1);
    expect(fromModal[0]).toMatchObject({
      actor: 'U000ADMIN',
      surface: 'slack',
      decision: 'allowed',
      text: `incident declare 'Checkout "500s" again' sev1 api in production`,
    });
    // The submitter sees the situation card.
    const told = h.slack.callsTo('chat.postEphemeral').at(-1);
    expect(told?.params).toMatchObject({ channel: 'C0DEPLOYS', user: 'U000ADMIN' });
    expect(String(told?.params.text)).toContain('INC-1');
  });

  it('answers wrong values under their fields and keeps the modal open', async () => {
    h = await startIncidentStack();
    await openModal(h);
    const empty = await submit(h, 'U000ADMIN', {
      title: title('  '),
      severity: severity('sev9'),
      services: services(),
    });
    expect(empty.body).toMatchObject({
      response_action: 'errors',
      errors: {
        'incident:title': 'Give the incident a title.',
        'incident:severity': expect.stringContaining('sev1, sev2, sev3, sev4') as unknown,
        'incident:services': 'Choose the services it touches.',
      },
    });
    const long = await submit(h, 'U000ADMIN', {
      title: title('x'.repeat(MAX_TITLE + 1)),
      severity: severity('sev2'),
      services: services('api', 'nosuch'),
    });
    expect(long.body).toMatchObject({
      response_action: 'errors',
      errors: {
        'incident:title': expect.stringContaining(`at most ${String(MAX_TITLE)}`) as unknown,
        'incident:services': expect.stringContaining('nosuch') as unknown,
      },
    });
    expect(await h.stack.deckhand.store.incidents.listOpen()).toEqual([]);
    expect(h.slack.callsTo('conversations.create')).toHaveLength(0);
  });

  it('refuses a submitter without incident:declare, as the typed command does, and audits it', async () => {
    h = await startIncidentStack();
    await openModal(h);
    await submit(h, 'U000MALLORY', {
      title: title('api down'),
      severity: severity('sev2'),
      services: services('api'),
    });
    await answered(h, 'U000MALLORY');
    expect(await h.stack.deckhand.store.incidents.listOpen()).toEqual([]);
    expect(h.slack.callsTo('conversations.create')).toHaveLength(0);
    const [refused] = await h.stack.deckhand.store.audit.recent({ limit: 1, actor: 'U000MALLORY' });
    expect(refused).toMatchObject({
      command: 'incident',
      decision: 'denied',
      text: 'incident declare "api down" sev2 api',
    });
    const told = h.slack.callsTo('chat.postEphemeral').at(-1);
    expect(told?.params).toMatchObject({ user: 'U000MALLORY' });
  });

  it('in the shell, a declaration without a title still says how to type it', async () => {
    h = await startIncidentStack();
    const outcome = await h.stack.deckhand.dispatcher.dispatch({
      id: 'shell-1',
      actor: 'U000ADMIN',
      channel: 'shell',
      text: 'incident declare',
      surface: 'shell',
      idempotencyKey: 'shell:1',
      receivedAt: h.clock.now(),
    });
    expect(outcome.decision).toBe('invalid');
    expect(outcome.reply.declareForm).toBeUndefined();
    expect(JSON.stringify(outcome.reply)).toContain('incident declare \\"checkout 500s\\" sev1 api');
  });
});
