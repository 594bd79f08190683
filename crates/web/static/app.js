// gong-timeline admin UI: small enhancements over server-rendered pages. Every
// page reads without this file; it is served by the app (/static/app.js?v=<hash>)
// so a Content-Security-Policy of script-src 'self' holds (no inline scripts).
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  // Navigation folds behind a Menu button on narrow screens.
  function nav() {
    var toggle = document.querySelector('.nav-toggle');
    var header = document.querySelector('.site-header');
    if (!toggle || !header) return;
    toggle.addEventListener('click', function () {
      var open = header.classList.toggle('nav-open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  // The navigation marks the section of the page shown.
  function currentSection() {
    var path = location.pathname;
    document.querySelectorAll('.nav-links a').forEach(function (a) {
      var href = a.getAttribute('href');
      var here = path === href || path.indexOf(href + '/') === 0 ||
        (href === '/connectors' && path.indexOf('/connectors') === 0) ||
        (href === '/companies' && (path === '/activities' || path.indexOf('/activities/') === 0));
      if (here) a.setAttribute('aria-current', 'page');
    });
  }

  // "Load recording": one Gong request for that activity when asked, never on a
  // page view (the link alone opens the recording's page). The fragment replaces
  // the button inside the card's polite live region.
  function recordings() {
    document.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('a.load-recording');
      if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      var box = link.closest('.recording');
      if (!box) return;
      e.preventDefault();
      box.setAttribute('aria-busy', 'true');
      box.textContent = 'Loading the recording from Gong…';
      fetch(link.getAttribute('href'), { credentials: 'same-origin', headers: { 'X-Fragment': '1' } })
        .then(function (r) { return r.text(); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { box.textContent = 'This Video/Meeting Link has failed to load.'; })
        .then(function () {
          box.removeAttribute('aria-busy');
          box.dataset.loaded = '1';
          var first = box.querySelector('audio, a');
          if (first) first.focus();
        });
    });
  }

  // Settings: adding and removing filter rows are plain form posts (the server
  // re-renders the rows as typed), so they need no script.

  // A dialog rendered open (readable without scripts) becomes modal.
  function dialogs() {
    document.querySelectorAll('dialog[data-modal][open]').forEach(function (d) {
      d.close();
      d.showModal();
      d.querySelectorAll('[data-close]').forEach(function (b) {
        b.addEventListener('click', function (e) { e.preventDefault(); d.close(); });
      });
    });
  }

  // Create Connection: the access-key fields matter only for an access key; OAuth
  // hides them (without this script they show under "Access key only").
  function connectionKind() {
    var fields = document.getElementById('access-key-fields');
    var form = document.getElementById('create-connection');
    if (!fields || !form) return;
    var button = document.getElementById('authorize');
    function sync() {
      var basic = form.querySelector('input[name="kind"]:checked');
      var isBasic = !!basic && basic.value === 'basic';
      fields.hidden = !isBasic;
      if (button) {
        var label = button.getAttribute(isBasic ? 'data-label-basic' : 'data-label-oauth');
        if (label) button.textContent = label;
      }
    }
    form.querySelectorAll('input[name="kind"]').forEach(function (r) {
      r.addEventListener('change', sync);
    });
    sync();
  }

  // Job Date: the custom dates matter only for "Custom range".
  function dateRange() {
    var range = document.getElementById('range');
    var custom = document.querySelector('.custom-range');
    if (!range || !custom) return;
    function sync() { custom.hidden = range.value !== 'custom'; }
    range.addEventListener('change', sync);
    custom.querySelectorAll('input').forEach(function (i) {
      i.addEventListener('change', function () { range.value = 'custom'; });
    });
    sync();
  }

  // Company search as you type: the server filters, the list is replaced.
  function companySearch() {
    var input = document.getElementById('company-search');
    var results = document.getElementById('company-results');
    if (!input || !results) return;
    var timer = null;
    var seq = 0;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var url = input.form.action + '?q=' + encodeURIComponent(input.value);
        fetch(url, { credentials: 'same-origin' })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            if (mine !== seq) return;
            var doc = new DOMParser().parseFromString(html, 'text/html');
            var fresh = doc.getElementById('company-results');
            if (fresh) {
              results.innerHTML = fresh.innerHTML;
              results.dataset.query = input.value;
              history.replaceState(null, '', url);
            }
          });
      }, 200);
    });
  }

  // One-click .xlsx: the job page lists the new link and downloads it at once.
  function autoDownload() {
    var link = document.querySelector('a[data-autodownload]');
    if (!link) return;
    // Once per link: a reload keeps the link listed without downloading again.
    var key = 'downloaded:' + link.getAttribute('href');
    try {
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, '1');
    } catch (e) { /* storage off: download anyway */ }
    link.click();
  }

  // Whether a form field of the page differs from what the server rendered.
  function edited() {
    return Array.prototype.some.call(document.forms, function (form) {
      return Array.prototype.some.call(form.elements, function (el) {
        if (el.type === 'checkbox' || el.type === 'radio') return el.checked !== el.defaultChecked;
        if (el.tagName === 'SELECT') {
          return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
        }
        if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') return false;
        return 'defaultValue' in el && el.value !== el.defaultValue;
      });
    });
  }

  // A running job: its status region is polled every 2 s and updated in place
  // (never a page reload that would erase typing). When the job ends the page is
  // reloaded only if nothing was typed into it; otherwise a link offers the reload.
  function followJob() {
    var region = document.querySelector('[data-follow]');
    if (!region) return;
    var url = region.getAttribute('data-follow');
    var done = region.getAttribute('data-done') || location.pathname;
    var busy = false;
    var timer = setInterval(function () {
      if (busy) return;
      busy = true;
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          busy = false;
          if (!state) return;
          region.innerHTML = state.html;
          if (state.running) return;
          clearInterval(timer);
          region.removeAttribute('data-follow');
          document.querySelectorAll('[data-while-job]').forEach(function (b) { b.disabled = false; });
          if (!edited()) { location.assign(done); return; }
          var p = document.createElement('p');
          p.className = 'small';
          var a = document.createElement('a');
          a.href = done;
          a.id = 'job-finished-reload';
          a.textContent = 'Job finished — reload the page';
          p.appendChild(a);
          p.appendChild(document.createTextNode(' (what you typed is kept until you do).'));
          region.appendChild(p);
        })
        .catch(function () { busy = false; });
    }, 2000);
  }

  ready(function () {
    followJob();
    autoDownload();
    nav();
    currentSection();
    recordings();
    dialogs();
    dateRange();
    connectionKind();
    companySearch();
  });
})();
