/**
 * Reading a HAR file (often hundreds of MB) in bounded memory: bytes go in chunk by chunk, and
 * only the entries of `log.entries` that mention the widget come out, parsed. Everything else is
 * walked over byte by byte (strings skipped with a native search for their closing quote) and
 * forgotten. Pure: the CLI feeds it a file stream, the panel a File's stream.
 */
import { joinBytes } from '../words/bytes.js';
import { contains, isSpace, isUtf16, keyText } from './har-bytes.js';

/** What a HAR scan found, whatever came in. */
export interface HarScan {
  /** The widget's entries, parsed, in file order. */
  entries: unknown[];
  /** How many entries `log.entries` held in all. */
  entryCount: number;
  /** `log.pages`, when the file had it (small: a HAR's page list). */
  pages: unknown;
  /** The first entry's request URL (normally the page itself): the page when `log.pages` does not say. */
  firstUrl: string | null;
  /** `log.creator.name` (e.g. "WebInspector", "Firefox"), when present. */
  creator: string | null;
  /** Bytes read. */
  bytes: number;
  /** Set when the bytes are not a complete HAR: what went wrong, in one sentence. */
  problem: string | null;
  /** The widget's entries that could not be read (damaged JSON, or too large), at most 20 of `damagedCount`. */
  damaged: DamagedEntry[];
  damagedCount: number;
}

/** An entry of the widget's that could not be read: its place in the file, its time when that could be found. */
export interface DamagedEntry {
  /** 1-based, as a person counts entries. */
  index: number;
  startedDateTime: string | null;
  why: string;
}

/** The bytes that mark an entry worth parsing (all of the widget's URLs have one). */
const MARKERS = ['livechatconnector', 'livechatwidget', 'omnichannelengagementhub'].map(m =>
  new TextEncoder().encode(m),
);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Keys and small values at the top two levels are kept up to this length (to recognise "log", "entries"). */
const MAX_KEY_BYTES = 64;
/** `log.pages` and `log.creator` are kept up to this size; larger ones are skipped. */
const MAX_SMALL_VALUE_BYTES = 1 << 20;
/**
 * An entry is parsed only up to this size: a 300 MB body would cost gigabytes to decode and parse.
 * Past it, only its start is kept (to tell whether it is the widget's, and when it was sent).
 */
const MAX_ENTRY_BYTES = 32 << 20;
const ENTRY_HEAD_BYTES = 64 << 10;
/** Depths whose container is told apart (log, entries, an entry): deeper nesting is only counted. */
const ROLE_DEPTHS = 4;
const MAX_DAMAGED_LISTED = 20;

const decoder = new TextDecoder();

export class HarScanner {
  private depth = 0;
  private inString = false;
  /** Backslashes just before the current position, carried over a chunk boundary inside a string. */
  private backslashes = 0;
  /** The string being read at depth 1 or 2 (a key), as its pieces. */
  private keyParts: Uint8Array[] | null = null;
  private keyBytes = 0;
  private lastString: (string | null)[] = [null, null, null];
  private lastKey: (string | null)[] = [null, null, null];
  /** Which container is open at each of the first depths: "log", "entries", "pages", "creator". */
  private role: (string | null)[] = [];
  /** The entry (or small value) being collected: its pieces, and where it started in the current chunk. */
  private collecting: { what: 'entry' | 'pages' | 'creator'; parts: Uint8Array[]; size: number } | null = null;
  private collectStart = 0;
  private started = false;
  private sawEntries = false;
  private result: HarScan = {
    entries: [],
    entryCount: 0,
    pages: null,
    firstUrl: null,
    creator: null,
    bytes: 0,
    problem: null,
    damaged: [],
    damagedCount: 0,
  };
  private logsSeen = 0;

  /** Feeds the next bytes; false once the input is known not to be a HAR (reading can stop). */
  push(chunk: Uint8Array): boolean {
    if (this.result.problem) return false;
    const n = chunk.length;
    this.collectStart = 0;
    let i = 0;
    if (!this.started) {
      // UTF-16 (a byte order mark FF FE / FE FF, or a NUL beside the first character): say so, not "no log.entries".
      if (this.result.bytes === 0 && isUtf16(chunk)) {
        this.result.problem =
          'not a HAR file this can read: it is UTF-16 encoded (export it again from the browser, or save it as UTF-8)';
        return false;
      }
      // Whitespace, and a UTF-8 byte order mark (which Windows tools write), may come first.
      while (i < n && (isSpace(chunk[i]!) || chunk[i]! >= 0xbb)) i++;
      if (i === n) {
        this.result.bytes += n;
        return true;
      }
      if (chunk[i] !== 0x7b) {
        this.result.problem = 'not a HAR file: it does not start with a JSON object ("{")';
        return false;
      }
      this.started = true;
    }
    for (; i < n; i++) {
      if (this.inString) {
        const end = this.stringEnd(chunk, i);
        if (end < 0) {
          this.keep(chunk.subarray(i));
          break;
        }
        this.keep(chunk.subarray(i, end));
        if (this.keyParts) {
          this.lastString[this.depth] = this.keyBytes <= MAX_KEY_BYTES ? keyText(joinBytes(this.keyParts)) : null;
          this.keyParts = null;
        }
        this.inString = false;
        i = end;
        continue;
      }
      const c = chunk[i]!;
      if (c === QUOTE) {
        // Its bytes start after the quote (next round); at the top two levels it may be a key: kept.
        this.inString = true;
        this.backslashes = 0;
        this.keyParts = this.depth <= 2 ? [] : null;
        this.keyBytes = 0;
        continue;
      }
      if (c === 0x3a /* : */) {
        if (this.depth <= 2) this.lastKey[this.depth] = this.lastString[this.depth] ?? null;
      } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        this.open(c, i);
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        if (!this.close(chunk, i)) return false;
      }
    }
    if (this.collecting && this.collectStart < n) this.collectPart(chunk.subarray(this.collectStart));
    this.result.bytes += n;
    return true;
  }

  /** The scan, once the input ended: a truncated file keeps the entries read before its end. */
  end(): HarScan {
    const r = this.result;
    if (!r.problem) {
      if (!this.started) r.problem = 'the file is empty';
      else if (this.depth > 0 || this.inString) {
        const inside = this.collecting?.what === 'entry' ? `entry ${r.entryCount}` : 'the JSON';
        r.problem = `the file is cut off at byte ${r.bytes} (inside ${inside}): an unfinished export or a partial copy`;
      } else if (!this.sawEntries) r.problem = 'not a HAR file: it has no "log.entries" list';
    }
    return r;
  }

  /** Where the string that is open at `from` closes (its quote's index), or -1 past the chunk. */
  private stringEnd(chunk: Uint8Array, from: number): number {
    let at = from;
    for (;;) {
      const q = chunk.indexOf(QUOTE, at);
      if (q < 0) {
        // Count the backslashes the chunk ends with: the next chunk's first quote may be escaped.
        let k = chunk.length;
        while (k > at && chunk[k - 1] === BACKSLASH) k--;
        this.backslashes = k === at ? this.backslashes + (chunk.length - at) : chunk.length - k;
        return -1;
      }
      let k = q;
      while (k > at && chunk[k - 1] === BACKSLASH) k--;
      const run = q - k + (k === at ? this.backslashes : 0);
      this.backslashes = 0;
      if (run % 2 === 0) return q;
      at = q + 1;
    }
  }

  /** Keeps a piece of the string being read when it may be a key (only those are collected). */
  private keep(bytes: Uint8Array) {
    if (!this.keyParts) return;
    this.keyBytes += bytes.length;
    if (this.keyBytes <= MAX_KEY_BYTES) this.keyParts.push(bytes.slice());
  }

  private open(c: number, i: number) {
    const d = this.depth;
    const key = d <= 2 ? this.lastKey[d] : null;
    let role: string | null = null;
    if (d === 1 && c === 0x7b && key === 'log') role = 'log';
    else if (d === 2 && this.role[1] === 'log' && c === 0x5b && key === 'entries') role = 'entries';
    else if (d === 2 && this.role[1] === 'log' && key === 'pages') role = 'pages';
    else if (d === 2 && this.role[1] === 'log' && c === 0x7b && key === 'creator') role = 'creator';
    if (d < ROLE_DEPTHS) this.role[d] = role;
    // A second "log" (or "entries") replaces the first, as JSON.parse keeps the last value of a key.
    if (role === 'log' && this.logsSeen++ > 0) this.forgetEntries();
    if (role === 'entries' && this.sawEntries) this.forgetEntries();
    if (role === 'entries') this.sawEntries = true;
    if (!this.collecting && (role === 'pages' || role === 'creator')) this.startCollecting(role, i);
    if (!this.collecting && d === 3 && this.role[2] === 'entries' && c === 0x7b) this.startCollecting('entry', i);
    this.depth++;
    if (this.depth <= 2) this.lastKey[this.depth] = this.lastString[this.depth] = null;
  }

  private close(chunk: Uint8Array, i: number): boolean {
    if (this.depth === 0) {
      const at = this.result.bytes + i;
      this.result.problem = `not a HAR file: a "${String.fromCharCode(chunk[i]!)}" closes nothing at byte ${at}`;
      return false;
    }
    this.depth--;
    const d = this.depth;
    const collecting = this.collecting;
    const ends =
      collecting &&
      ((collecting.what === 'entry' && d === 3) ||
        (collecting.what !== 'entry' && d === 2 && this.role[2] === collecting.what));
    if (ends && collecting) {
      this.collectPart(chunk.subarray(this.collectStart, i + 1));
      this.collecting = null;
      this.finish(collecting);
    }
    if (d < ROLE_DEPTHS) this.role[d] = null;
    return true;
  }

  private damage(bytes: Uint8Array, why: string) {
    const r = this.result;
    r.damagedCount++;
    if (r.damaged.length >= MAX_DAMAGED_LISTED) return;
    const head = decoder.decode(bytes.subarray(0, ENTRY_HEAD_BYTES));
    const time = /"startedDateTime"\s*:\s*"([^"\\]{1,40})"/.exec(head)?.[1] ?? null;
    r.damaged.push({ index: r.entryCount, startedDateTime: time, why });
  }

  private forgetEntries() {
    Object.assign(this.result, { entries: [], entryCount: 0, firstUrl: null, damaged: [], damagedCount: 0 });
  }

  private startCollecting(what: 'entry' | 'pages' | 'creator', i: number) {
    this.collecting = { what, parts: [], size: 0 };
    this.collectStart = i;
    if (what === 'entry') this.result.entryCount++;
  }

  private collectPart(bytes: Uint8Array) {
    const c = this.collecting!;
    c.size += bytes.length;
    // The pages list and creator are small in any real HAR: past the bound they are skipped, not kept.
    // An entry past its bound keeps only its head.
    const bound = c.what === 'entry' ? MAX_ENTRY_BYTES : MAX_SMALL_VALUE_BYTES;
    if (c.size <= bound) c.parts.push(bytes);
    else if (c.what === 'entry' && c.size - bytes.length < ENTRY_HEAD_BYTES)
      c.parts.push(bytes.slice(0, ENTRY_HEAD_BYTES));
    this.collectStart = 0;
  }

  private finish(c: { what: 'entry' | 'pages' | 'creator'; parts: Uint8Array[]; size: number }) {
    if (c.what !== 'entry' && c.size > MAX_SMALL_VALUE_BYTES) return;
    const bytes = joinBytes(c.parts);
    const first = c.what === 'entry' && this.result.entryCount === 1;
    const ours = MARKERS.some(m => contains(bytes, m));
    if (c.what === 'entry' && !first && !ours) return;
    if (c.what === 'entry' && c.size > MAX_ENTRY_BYTES) {
      if (ours)
        this.damage(bytes, `it is ${Math.round(c.size / 1048576)} MB, over the ${MAX_ENTRY_BYTES >> 20} MB read`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      // Named, never skipped in silence: a hand-redacted HAR often breaks exactly the entry that matters.
      if (c.what === 'entry' && ours) this.damage(bytes, `its JSON is damaged (${(error as Error).message})`);
      return;
    }
    if (first) {
      const url = (value as { request?: { url?: unknown } } | null)?.request?.url;
      this.result.firstUrl = typeof url === 'string' ? url.slice(0, 4096) : null;
      if (!MARKERS.some(m => contains(bytes, m))) return;
    }
    if (c.what === 'entry') this.result.entries.push(value);
    else if (c.what === 'pages') this.result.pages = value;
    else {
      const name = (value as { name?: unknown } | null)?.name;
      this.result.creator = typeof name === 'string' ? name.slice(0, 100) : null;
    }
  }
}
