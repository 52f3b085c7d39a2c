/** The DevTools page: adds the "LCW Auth" panel for the inspected tab. */
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('LCW Auth', '/icon-32.png', '/panel.html');
