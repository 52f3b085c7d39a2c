/** The widget simulator (src/simulator/), as the browser tests use it. */
export { startSite, SCENARIOS, XSS, type Site } from '../../src/simulator/server.js';
