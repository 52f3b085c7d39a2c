/**
 * The "Sites" view: the sites being recorded (stop one), the ones whose access was removed in the
 * browser's settings (record again), a site by its address, and every site. Every permission is
 * asked for straight from the user's click.
 */
import browser from 'webextension-polyfill';
import { append, h, setText } from './dom.js';
import { siteOf, EVERY_SITE_PATTERNS } from '../protocol/hosts.js';
import type { SitesAnswer } from '../protocol/messages.js';
import { request } from './ask.js';

export type Answer = SitesAnswer | { ok: false; reason: string };

/**
 * Asks the browser for `patterns`, then has the background record them. Must be called from the
 * click itself: no await before `permissions.request`.
 */
export function askToRecord(patterns: string[]): Promise<Answer> {
  return browser.permissions.request({ origins: patterns }).then<Answer, Answer>(
    granted =>
      granted
        ? request({ type: 'record-sites', patterns })
        : { ok: false as const, reason: 'The browser did not grant access: nothing is recorded.' },
    (error: unknown) => ({
      ok: false as const,
      reason: `The browser refused the request: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
}

/** The "Sites" view: the recorded sites (stop one), a site by address, every site. */
export class SitesView {
  private onDone: (answer: Answer) => void = () => undefined;

  constructor(private readonly root: HTMLElement) {}

  whenAnswered(done: (answer: Answer) => void): void {
    this.onDone = done;
  }

  async show(): Promise<void> {
    const sites = await request({ type: 'list-sites' }).catch(() => null);
    if (!sites) return;
    const done = (answer: Answer) => {
      this.onDone(answer);
      void this.show();
    };
    const one = sites.sites.filter(p => !EVERY_SITE_PATTERNS.includes(p) || !sites.everySite);
    const stop = (pattern: string) => () => void request({ type: 'stop-site', pattern }).then(done);
    const item = (pattern: string, note: string, action: HTMLElement) =>
      h('li', { data: { pattern } }, h('code', null, pattern), note ? ` ${note} ` : ' ', action);
    const button = (label: string, click: () => void) =>
      h('button', { attrs: { type: 'button' }, on: { click } }, label);
    const input = h('input', {
      attrs: { type: 'url', id: 'site-address', placeholder: 'https://help.contoso.com', spellcheck: 'false' },
    });
    const status = h('p', { attrs: { id: 'site-status', role: 'status' }, class: 'hint' });
    const recordAddress = () => {
      const site = siteOf(input.value.trim());
      if (!site.ok) return setText(status, `Cannot record it: ${site.reason}.`);
      void askToRecord([site.pattern]).then(done);
    };
    this.root.replaceChildren();
    append(this.root, [
      h('h2', null, 'Recorded sites'),
      h(
        'p',
        { class: 'hint' },
        'The extension runs in a site only once you record it. Install gave it access to Omnichannel and to the ' +
          "widget's own hosts only, so the widget's traffic is seen on every site.",
      ),
      sites.everySite
        ? h(
            'p',
            { attrs: { id: 'every-site' } },
            'Recording every site. ',
            button('Stop recording every site', stop(EVERY_SITE_PATTERNS[0]!)),
          )
        : null,
      one.length
        ? h('ul', { attrs: { id: 'site-list' } }, ...one.map(p => item(p, '', button('Stop recording', stop(p)))))
        : h('p', { attrs: { id: 'site-list' } }, 'No site is recorded.'),
      sites.lost.length
        ? h(
            'ul',
            { attrs: { id: 'lost-list' } },
            ...sites.lost.map(p =>
              item(
                p,
                "(access removed in the browser's settings)",
                button('Record again', () => void askToRecord([p]).then(done)),
              ),
            ),
          )
        : null,
      h(
        'p',
        null,
        h('label', { attrs: { for: 'site-address' } }, 'Record a site: '),
        input,
        ' ',
        button('Record', recordAddress),
      ),
      status,
      sites.everySite
        ? null
        : h(
            'p',
            null,
            button('Record every site', () => void askToRecord([...EVERY_SITE_PATTERNS]).then(done)),
            h(
              'span',
              { class: 'hint' },
              ' The browser will warn that the extension can read and change your data on all websites: it ' +
                'then runs in every page you open. Stop it here when you are done.',
            ),
          ),
    ]);
  }
}
