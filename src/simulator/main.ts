/**
 * `npm run simulator`: serves the widget simulator alone (PORT, default 8080) for a browser with the extension loaded
 * by hand.
 */
import { startSite } from './server.js';

const site = await startSite({ port: Number(process.env.PORT) || 8080 });
console.log(`Widget simulator on ${site.origin}/ (the widget iframe on ${site.frameOrigin}); Ctrl+C stops it.`);
