/** The extension pages' one way to ask the background: each request typed with its answer (protocol/messages.ts). */
import browser from 'webextension-polyfill';
import { askBackground, type PanelRequest } from '../protocol/messages.js';

export const request = <R extends PanelRequest>(message: R) =>
  askBackground(m => browser.runtime.sendMessage(m), message);
