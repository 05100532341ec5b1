// A classic script that runs before the app's modules: if one of them fails to load (a dropped connection, a
// "network changed" abort), say so and reload once, instead of leaving the page at "Loading…" for good.
(function guardModuleLoading() {
  var KEY = 'pcloud-boot-retried';
  window.addEventListener('error', function onError(event) {
    var target = event.target;
    if (!target || target.tagName !== 'SCRIPT' || target.type !== 'module') return;
    var main = document.getElementById('main');
    if (!sessionStorage.getItem(KEY)) {
      sessionStorage.setItem(KEY, '1');
      location.reload();
      return;
    }
    if (main) {
      main.textContent = '';
      var p = document.createElement('p');
      p.className = 'form-error';
      p.setAttribute('role', 'alert');
      p.textContent = 'The dashboard could not load its scripts. Check the connection to the server and reload the page.';
      main.appendChild(p);
    }
  }, true);
  window.addEventListener('pcloud:started', function onStarted() {
    sessionStorage.removeItem(KEY);
  });
}());
