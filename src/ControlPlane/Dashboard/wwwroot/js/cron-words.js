// A cron schedule in words ("Every 2 seconds", "At 03:00, Monday through Friday"), by the vendored cronstrue library
// (loaded on first use). The server parses schedules with Cronos; the two agree on the syntax the API accepts.
let library = null;

// Cronos macros cronstrue does not know.
const MACROS = { '@every_second': '* * * * * *', '@every_minute': '* * * * *' };

async function load() {
  if (!library) {
    library = import('./vendor/cronstrue.min.js').then(() => globalThis.cronstrue ?? null).catch(() => null);
  }
  return library;
}

/** "Every 2 seconds (UTC)"; the expression itself when it cannot be described. */
export async function describeSchedule(expression, timeZone = 'UTC') {
  const cronstrue = await load();
  const text = (expression ?? '').trim();
  let words = text;
  try {
    if (cronstrue) words = cronstrue.toString(MACROS[text] ?? text, { use24HourTimeFormat: true, verbose: false });
  } catch {
    words = text;
  }
  return `${words} (${timeZone || 'UTC'})`;
}
