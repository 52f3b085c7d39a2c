/** "Paste a token": a ticket's token analysed as the page would have it, shown with the token's sections. */
import { h } from './dom.js';
import { tokenDetail, type VerifySettings } from './token-detail.js';
import { analyzeTokenSync, type ContextVariable } from '../analysis/index.js';

export class PasteView {
  private timer = 0;

  /** `changed` runs a moment after the text stops changing (the panel then calls `show`). */
  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly result: HTMLElement,
    changed: () => void,
  ) {
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(changed, 120);
    });
  }

  /** Analyses what is pasted now, with the site's context variables, and shows it. */
  show(contextVariables: readonly ContextVariable[] | undefined, verify: VerifySettings): void {
    const text = this.input.value;
    if (text.trim() === '') {
      this.result.replaceChildren(h('p', { class: 'empty' }, 'Paste a token above: the analysis appears here.'));
      return;
    }
    const analysis = analyzeTokenSync(text, {
      now: Date.now() / 1000,
      ...(contextVariables ? { contextVariables } : {}),
    });
    this.result.replaceChildren(tokenDetail(analysis, text, Date.now(), verify));
  }
}
