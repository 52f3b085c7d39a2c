/** The CLI's compiled docs/report.schema.json, for every test that checks a report. */
export { validateReport } from '../../src/cli/report.js';
