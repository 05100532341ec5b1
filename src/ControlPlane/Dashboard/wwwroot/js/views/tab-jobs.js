// Cron jobs and one-off runs: each job's schedule in words, next run, last outcomes at a glance, its run history with
// each run's output; run now, suspend, resume, edit, delete. A one-off command runs from the serving release with live output.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, when, duration, between, shortId } from '../format.js';
import { formDialog, confirmDialog } from '../components/dialogs.js';
import { field, formError, submitting } from '../components/forms.js';
import { toast } from '../components/toast.js';
import { runOutput } from '../components/run-output.js';
import { describeSchedule } from '../cron-words.js';
import { jobForm, readJobForm } from './job-form.js';

export async function mount(panel, ctx) {
  const jobsBody = h('div', { class: 'jobs-body' }, h('p', { class: 'loading' }, 'Loading cron jobs…'));
  const history = h('div', { class: 'job-history' });
  const runsBody = h('div', { class: 'runs-body' });
  const outputSlot = h('div', { class: 'output-slot' });
  let selectedJob = null;
  let openOutput = null;

  const showOutput = (run, title) => {
    openOutput?.close();
    openOutput = runOutput(ctx.appId, run, { title, onEnd: () => load() });
    outputSlot.replaceChildren(openOutput.element);
    openOutput.element.scrollIntoView({ block: 'nearest' });
  };
  ctx.signal.addEventListener('abort', () => openOutput?.close());

  const newJob = h('button', { type: 'button', class: 'button button-primary', 'data-focus-key': 'new-job',
    onclick: () => editJob(ctx, null, load) }, '+ New cron job');
  const runForm = oneOffForm(ctx, (run) => { showOutput(run, 'One-off run'); load(); });
  panel.append(
    h('div', { class: 'section-head' }, h('h2', null, 'Cron jobs'), newJob,
      h('p', { class: 'muted' }, 'Each run is a fresh container from the serving release, with its environment, network and limits. Output goes to the app\'s logs.')),
    jobsBody, history,
    h('div', { class: 'section-head' }, h('h2', null, 'One-off runs'),
      h('p', { class: 'muted' }, 'Run a command once (a migration, a console task) in a fresh container of the serving release.')),
    runForm, outputSlot, runsBody);

  const load = async () => {
    let jobs;
    let runs;
    try {
      [jobs, runs] = await Promise.all([
        api.get(appPath(ctx.appId, '/cron'), { signal: ctx.signal }),
        api.get(appPath(ctx.appId, '/runs?limit=20'), { signal: ctx.signal }),
      ]);
    } catch (error) {
      if (!ctx.signal.aborted) patch(jobsBody, `err:${error.message}`, () => h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    const words = await Promise.all(jobs.map((j) => describeSchedule(j.schedule, j.timeZone)));
    patch(jobsBody, [jobs, words, Math.floor(Date.now() / 10000)], () => (jobs.length
      ? jobsTable(jobs, words, ctx, { load, select: (job) => { selectedJob = job.id; loadHistory(); } })
      : h('div', { class: 'empty' }, h('h3', null, 'No cron jobs yet'),
        h('p', null, 'A cron job runs a command on a schedule: every 10 seconds, hourly, at 03:00 on weekdays…'))));
    patch(runsBody, runs, () => runsTable(runs, ctx, showOutput, 'One-off runs, newest first'));
    if (selectedJob) loadHistory();
  };

  const loadHistory = async () => {
    if (!selectedJob) return;
    let runs;
    let job;
    try {
      [job, runs] = await Promise.all([
        api.get(appPath(ctx.appId, `/cron/${selectedJob}`), { signal: ctx.signal }),
        api.get(appPath(ctx.appId, `/cron/${selectedJob}/runs?limit=50`), { signal: ctx.signal }),
      ]);
    } catch (error) {
      if (error.status === 404) { selectedJob = null; history.replaceChildren(); }
      return;
    }
    patch(history, [job.id, runs], () => h('section', { class: 'job-runs', 'aria-label': `Runs of ${job.name}` },
      h('div', { class: 'section-head' }, h('h3', null, `Runs of ${job.name}`),
        h('button', { type: 'button', class: 'button button-small button-quiet', onclick: () => { selectedJob = null; history.replaceChildren(); delete history.dataset.sig; } }, 'Close')),
      runsTable(runs, ctx, (run) => showOutput(run, `Run of ${job.name}`), `Runs of ${job.name}, newest first`)));
  };

  let lastKey = null;
  ctx.onApp((app) => {
    const key = `${app.generation}/${JSON.stringify(app.jobAlerts ?? [])}/${Math.floor(Date.now() / 4000)}`;
    if (key !== lastKey) {
      lastKey = key;
      load();
    }
  });
  await load();
}

function jobsTable(jobs, words, ctx, { load, select }) {
  return h('table', { class: 'responsive-table jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Cron jobs'),
    h('thead', null, h('tr', null, ['Job', 'Schedule', 'Next run', 'Last runs', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, jobs.map((job, i) => h('tr', { 'data-job-id': job.id, 'data-job-name': job.name },
      h('th', { scope: 'row', 'data-label': 'Job' }, job.name, h('code', { class: 'cell-note mono wrap', title: job.command }, job.command)),
      h('td', { 'data-label': 'Schedule' }, h('span', { class: 'schedule-words' }, words[i]),
        h('code', { class: 'cell-note mono' }, job.schedule),
        h('span', { class: 'cell-note' }, `policy ${job.concurrencyPolicy} · timeout ${duration(job.timeoutSeconds * 1000)}`)),
      h('td', { 'data-label': 'Next run', class: 'next-run' }, job.nextRuns.length
        ? [h('time', { datetime: job.nextRuns[0], title: job.nextRuns.map(when).join('\n') }, when(job.nextRuns[0])), h('span', { class: 'cell-note' }, timeAgo(job.nextRuns[0]))]
        : h('span', { class: 'muted' }, 'none while suspended')),
      h('td', { 'data-label': 'Last runs' }, outcomeStrip(job.lastRuns)),
      h('td', { 'data-label': 'State' }, jobState(job)),
      h('td', { 'data-label': 'Actions', class: 'row-actions' }, h('div', { class: 'row-buttons' },
        h('button', { type: 'button', class: 'button button-small', 'data-focus-key': `run-${job.id}`, onclick: async () => {
          try {
            const run = await api.post(appPath(ctx.appId, `/cron/${job.id}/runs`));
            toast(`Started ${job.name} (run ${shortId(run.id)})`, 'ok');
            select(job);
            load();
          } catch (error) {
            toast(`${job.name} could not run: ${error.message}`, 'bad');
          }
        } }, 'Run now'),
        h('button', { type: 'button', class: 'button button-small button-quiet', onclick: async () => {
          const action = job.suspended || job.autoSuspended ? 'resume' : 'suspend';
          await api.post(appPath(ctx.appId, `/cron/${job.id}/${action}`)).catch((error) => toast(error.message, 'bad'));
          load();
        } }, job.suspended || job.autoSuspended ? 'Resume' : 'Suspend'),
        h('button', { type: 'button', class: 'button button-small button-quiet', onclick: () => select(job) }, 'History'),
        h('button', { type: 'button', class: 'button button-small button-quiet', onclick: () => editJob(ctx, job, load) }, 'Edit'),
        h('button', { type: 'button', class: 'button button-small button-danger', onclick: () => confirmDialog({
          title: `Delete cron job ${job.name}?`,
          message: 'Its run history goes with it; a run still running is stopped.',
          confirmLabel: 'Delete',
          danger: true,
          onConfirm: async () => { await api.del(appPath(ctx.appId, `/cron/${job.id}`)); load(); },
        }) }, 'Delete')))))));
}

/** The newest runs as a row of outcome marks, oldest first, so a streak of failures reads at a glance. */
function outcomeStrip(runs) {
  if (!runs.length) return h('span', { class: 'muted' }, 'no runs yet');
  return h('ol', { class: 'outcome-strip', 'aria-label': 'Last runs, oldest first' },
    [...runs].reverse().map((r) => h('li', { 'data-outcome': r.outcome ?? r.status },
      badge(r.outcome ?? r.status, `Run scheduled for ${when(r.scheduledFor ?? r.requestedAt)}`))));
}

function jobState(job) {
  const out = [];
  if (job.autoSuspended) out.push(badge('auto-suspended', 'Job'));
  else if (job.suspended) out.push(badge('suspended', 'Job'));
  else out.push(badge('scheduled', 'Job'));
  if (job.attention) out.push(h('span', { class: 'cell-note attention', role: 'note', 'data-attention': job.attention }, `⚠ ${job.attention.reason}`));
  return out;
}

function runsTable(runs, ctx, showOutput, caption) {
  if (!runs.length) return h('p', { class: 'muted' }, 'No runs yet.');
  return h('table', { class: 'responsive-table runs-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, ['Run', 'Scheduled / requested', 'Outcome', 'Exit', 'Took', 'Reason', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, runs.map((run) => h('tr', { 'data-run-id': run.id, 'data-outcome': run.outcome ?? run.status },
      h('th', { scope: 'row', 'data-label': 'Run' }, h('span', { class: 'mono', title: run.id }, shortId(run.id)), h('span', { class: 'cell-note' }, run.trigger)),
      h('td', { 'data-label': 'Scheduled / requested' }, when(run.scheduledFor ?? run.requestedAt)),
      h('td', { 'data-label': 'Outcome' }, badge(run.outcome ?? run.status, 'Run')),
      h('td', { 'data-label': 'Exit', class: 'num' }, run.exitCode ?? '—'),
      h('td', { 'data-label': 'Took' }, duration(between(run.startedAt, run.endedAt))),
      h('td', { 'data-label': 'Reason', class: 'wrap' }, run.reason ?? ''),
      h('td', { 'data-label': 'Actions', class: 'row-actions' }, h('div', { class: 'row-buttons' },
        run.startedAt ? h('button', { type: 'button', class: 'button button-small', onclick: () => showOutput(run) }, 'Output') : null,
        run.status !== 'ended' ? h('button', { type: 'button', class: 'button button-small button-danger', onclick: async () => {
          await api.post(appPath(ctx.appId, `/runs/${run.id}/stop`)).catch((error) => toast(error.message, 'bad'));
        } }, 'Stop') : null))))));
}

function oneOffForm(ctx, started) {
  const form = h('form', { class: 'inline-form run-form', novalidate: true },
    field({ name: 'command', label: 'Command', required: true, autocomplete: 'off', spellcheck: false, placeholder: './manage.py migrate',
      hint: 'Runs as /bin/sh -c <command> in the serving release\'s image, with its environment; times out after 1 h.' }),
    formError(),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Run'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let run = null;
    const ok = await submitting(form, async () => {
      run = await api.post(appPath(ctx.appId, '/runs'), { command: form.elements.command.value });
    });
    if (ok && run) started(run);
  });
  return form;
}

async function editJob(ctx, job, load) {
  const saved = await formDialog({
    title: job ? `Edit cron job ${job.name}` : 'New cron job',
    description: 'Schedules: 5 fields (minute hour day month weekday), 6 with seconds first, or @hourly, @daily…',
    wide: true,
    fields: jobForm(job),
    submitLabel: job ? 'Save' : 'Create job',
    onSubmit: async (form) => {
      const body = readJobForm(form);
      return job ? api.put(appPath(ctx.appId, `/cron/${job.id}`), body) : api.post(appPath(ctx.appId, '/cron'), body);
    },
  });
  if (saved) {
    toast(`Cron job ${saved.name} saved`, 'ok');
    load();
  }
}
