// Domains: the generated address plus custom hostnames (TLS is issued on the first request to each).
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { timeAgo } from '../format.js';
import { field, formError, submitting } from '../components/forms.js';
import { confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';

export async function mount(panel, ctx) {
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading domains…'));
  const form = h('form', { class: 'inline-form card', novalidate: true, 'aria-labelledby': 'domain-add-title' },
    h('h3', { id: 'domain-add-title' }, 'Add a domain'),
    h('div', { class: 'inline-fields' },
      field({ name: 'hostname', label: 'Hostname', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'www.example.com',
        hint: 'Point its DNS (A/AAAA or CNAME) at this server first.' }),
      h('div', { class: 'inline-submit' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Add domain'))),
    formError());
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Domains')), form, list);

  const load = async () => {
    let domains;
    try {
      domains = await api.get(appPath(ctx.appId, '/domains'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    const app = ctx.app;
    list.replaceChildren(h('table', { class: 'responsive-table domains-table' },
      h('caption', { class: 'visually-hidden' }, 'Hostnames that reach this app'),
      h('thead', null, h('tr', null, ['Hostname', 'Kind', 'Verified', 'Added', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null,
        app ? h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Hostname' }, h('a', { href: app.url, target: '_blank', rel: 'noopener', 'data-external': '', class: 'mono' }, app.generatedHostname)),
          h('td', { 'data-label': 'Kind' }, 'generated'),
          h('td', { 'data-label': 'Verified' }, h('span', { class: 'muted' }, 'always')),
          h('td', { 'data-label': 'Added' }, timeAgo(app.createdAt)),
          h('td', { 'data-label': 'Actions' })) : null,
        domains.map((d) => h('tr', { 'data-hostname': d.hostname },
          h('th', { scope: 'row', 'data-label': 'Hostname' }, h('a', { href: `https://${d.hostname}/`, target: '_blank', rel: 'noopener', 'data-external': '', class: 'mono' }, d.hostname)),
          h('td', { 'data-label': 'Kind' }, d.proxyTarget ? `custom → ${d.proxyTarget}` : 'custom'),
          h('td', { 'data-label': 'Verified' }, d.verifiedAt ? timeAgo(d.verifiedAt) : h('span', { class: 'muted' }, '◌ not yet')),
          h('td', { 'data-label': 'Added' }, timeAgo(d.createdAt)),
          h('td', { 'data-label': 'Actions', class: 'row-actions' }, h('button', {
            type: 'button',
            class: 'button button-small button-danger-quiet',
            'aria-label': `Remove ${d.hostname}`,
            onclick: async () => {
              const done = await confirmDialog({
                title: `Remove ${d.hostname}?`,
                message: 'Requests for it stop reaching the app.',
                confirmLabel: 'Remove domain',
                danger: true,
                onConfirm: () => api.del(appPath(ctx.appId, `/domains/${encodeURIComponent(d.hostname)}`)),
              });
              if (done) {
                toast(`${d.hostname} removed.`);
                await load();
              }
            },
          }, 'Remove')))))));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const hostname = form.elements.hostname.value.trim();
    const ok = await submitting(form, () => api.post(appPath(ctx.appId, '/domains'), { hostname }));
    if (ok) {
      toast(`${hostname} added.`);
      form.reset();
      await load();
      ctx.refresh();
    }
  });

  await load();
}
