/**
 * The widget's own words: its error panes ("Chat authentication has failed."), read as text in the
 * widget's frame only, by a MutationObserver of the isolated world (the page cannot see it).
 * Bounded whatever the page does: only what changed is read, in slices of a few milliseconds
 * between pauses, text nodes too long to be a title are skipped unread, and the reader stops once
 * it has recorded what it needs.
 */
import { PANE_TEXT_CHARS } from '../protocol/limits.js';

export const PANE_TITLE = 'Chat authentication has failed.';
/** Reading time per slice and the pause after it: the page keeps well over 95% of its time. */
const SLICE_MS = 4;
const PAUSE_MS = 100;
/** A text node longer than this is not the title (a 50 MB text node is skipped, not searched). */
const MAX_TITLE_CHARS = 200;
/** Distinct panes recorded before the reader stops (a flood of panes is not news after the first ones). */
const MAX_PANES = 10;
/** Changed subtrees waiting to be read; past this, the whole document is read once instead. */
const MAX_QUEUED = 5000;
/** Text nodes read for one pane's text. */
const MAX_TEXT_NODES = 100;

const HIDDEN = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/;

/** Up to PANE_TEXT_CHARS of the text under `root`, from at most MAX_TEXT_NODES text nodes. */
function boundedText(root: Node): string {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let n = 0, node = walker.nextNode(); node && n < MAX_TEXT_NODES && text.length < PANE_TEXT_CHARS; n++) {
    if (!HIDDEN.test(node.parentNode?.nodeName ?? '')) text += ` ${(node.nodeValue ?? '').slice(0, PANE_TEXT_CHARS)}`;
    node = walker.nextNode();
  }
  return text;
}

/**
 * What follows the title: the next few elements beside it, or beside an ancestor a few levels up;
 * never the whole page, whose text is the visitor's chat.
 */
function paneText(title: Node): string {
  let text = '';
  for (let at = title.parentElement, up = 0; at && up < 4 && !text.trim(); at = at.parentElement, up++)
    for (let next = at.nextElementSibling, n = 0; next && n < 3; next = next.nextElementSibling, n++)
      text += boundedText(next);
  return text.replace(/\s+/g, ' ').trim().slice(0, PANE_TEXT_CHARS);
}

/** Watches the document for error panes; `record(text)` once per distinct text. */
export function watchPanes(record: (text: string) => void): void {
  const said = new Set<string>();
  const walk = (root: Node) => document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  // What is left to read, newest on top: a pane added now is read before the rest of a big subtree.
  let stack: (Node | TreeWalker)[] = [];
  let waiting = 0;
  /** Titles seen without their text yet. */
  const titles: Node[] = [];
  let scheduled = false;
  const say = (text: string) => {
    if (said.has(text) || said.size >= MAX_PANES) return;
    said.add(text);
    record(text);
    // It has what it needs: no more work for the page's sake.
    if (said.size >= MAX_PANES) {
      observer.disconnect();
      stack = [];
    }
  };
  const check = (node: Node) => {
    const value = node.nodeValue;
    if (!value || value.length > MAX_TITLE_CHARS || !value.includes(PANE_TITLE)) return;
    if (HIDDEN.test(node.parentNode?.nodeName ?? '')) return;
    const text = paneText(node);
    if (text) return say(text);
    // A title alone may get its text in a later render: looked at again after each change, and
    // recorded as it is a second on.
    if (waiting++ >= MAX_PANES) return;
    titles.push(node);
    setTimeout(() => {
      const at = titles.indexOf(node);
      if (at < 0) return;
      titles.splice(at, 1);
      say(paneText(node));
    }, 1000);
  };

  const slice = () => {
    scheduled = false;
    for (let i = titles.length - 1; i >= 0; i--) {
      const text = paneText(titles[i]!);
      if (!text) continue;
      titles.splice(i, 1);
      say(text);
    }
    const until = performance.now() + SLICE_MS;
    for (let n = 1; stack.length; n++) {
      const top = stack[stack.length - 1]!;
      if ('nextNode' in top) {
        const node = top.nextNode();
        if (node) check(node);
        else stack.pop();
      } else check(stack.pop() as Node);
      if (n % 32 === 0 && performance.now() > until) return schedule();
    }
  };
  const schedule = () => {
    if (scheduled || !(stack.length || titles.length)) return;
    scheduled = true;
    setTimeout(slice, PAUSE_MS);
  };
  const observer = new MutationObserver(records => {
    let flood = false;
    const add = (node: Node) =>
      stack.length < MAX_QUEUED ? stack.push(node.nodeType === Node.TEXT_NODE ? node : walk(node)) : (flood = true);
    for (let i = 0; i < records.length && !flood; i++) {
      const r = records[i]!;
      if (r.type === 'characterData') add(r.target);
      else for (let k = 0; k < r.addedNodes.length && !flood; k++) add(r.addedNodes[k]!);
    }
    // A flood of changes: the whole document is read once, in slices, instead of each change.
    if (flood) stack = [walk(document)];
    schedule();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  // At document_start the document is (nearly) empty: what is there now is read once; the rest arrives as changes.
  const first = walk(document);
  for (let n = 0, node = first.nextNode(); node && n < 1000; n++, node = first.nextNode()) check(node);
}
