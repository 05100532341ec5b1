// Runs `work` now and then every `ms` until `signal` aborts; a slow `work` never overlaps itself. Skips hidden tabs.
export function poll(work, ms, signal) {
  let timer = null;
  let running = false;
  const tick = async () => {
    if (signal.aborted || running) return;
    running = true;
    try {
      if (!document.hidden || timer === null) await work();
    } finally {
      running = false;
      if (!signal.aborted) timer = setTimeout(tick, ms);
    }
  };
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  tick();
  return {
    now: () => {
      clearTimeout(timer);
      return tick();
    },
  };
}
