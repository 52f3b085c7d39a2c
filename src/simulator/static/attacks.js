// Hostile page code, one attack per page (?attack=NAME), run as the page's first script: before
// the widget, after the extension's hook. Each attack writes what it saw into window.__attack
// (`log`: lines that must read the same with and without the extension; `stolen`: anything it
// got hold of that belongs to the extension). Written the way an attacker would, against the
// hook's published design (docs/architecture.md), not against its tests.
(function () {
  'use strict';
  var name = document.currentScript.getAttribute('data-attack');
  var attack = (window.__attack = { name: name, log: [], stolen: [] });
  var log = function (line) {
    attack.log.push(line);
  };
  // Anything the extension throws from a listener lands here.
  window.addEventListener('error', function (e) {
    log('uncaught: ' + e.message);
  });
  // The namespace, probed before any widget code ran: it must read as the page's own.
  log("'Microsoft' in window: " + ('Microsoft' in window));
  log('keys list it: ' + (Object.keys(window).indexOf('Microsoft') >= 0));
  try {
    log('bare Microsoft: ' + typeof Microsoft.Omnichannel);
  } catch (e) {
    log('bare Microsoft threw ' + e.name);
  }
  var tokens = window.__tokens;
  var onReady = function (fn) {
    window.addEventListener('lcw:ready', fn);
  };
  var sdk = function () {
    return Microsoft.Omnichannel.LiveChatWidget.SDK;
  };

  // Counts calls to a built-in by wrapping it in place, and notes any call made from an
  // extension's script (its frames name chrome-extension:// or moz-extension://). The counts with
  // and without the extension must be equal (but for what the test harness itself calls).
  var counts = (attack.counts = {});
  var RealError = Error;
  var checking = false;
  function count(owner, key, label) {
    var original = owner[key];
    if (typeof original !== 'function') return;
    counts[label] = 0;
    owner[key] = function () {
      // The check itself uses counted built-ins: it must neither count nor recurse.
      if (!checking) {
        checking = true;
        counts[label]++;
        // The caller's frame: V8 via prepareStackTrace below ("stack <file> <file>..."), Gecko line by line.
        var stack = new RealError().stack;
        var caller = stack.indexOf('stack ') === 0 ? stack.split(' ')[2] : stack.split('\n')[1];
        if (/-extension:\/\//.test(caller || '')) attack.stolen.push('the extension called ' + label);
        checking = false;
      }
      return original.apply(this, arguments);
    };
  }

  // The attacks themselves are in attacks-hook.js, attacks-values.js and attacks-namespace.js, loaded
  // right after this script; the last of them runs the one this page names.
  var attacks = {};
  window.__attackKit = {
    name: name,
    attack: attack,
    log: log,
    count: count,
    tokens: tokens,
    onReady: onReady,
    sdk: sdk,
    attacks: attacks,
  };
  // Each part of the attacks hands its table over through define().
  window.__attackKit.define = function (part) {
    var more = part(log, count, tokens, onReady, sdk, attack);
    for (var key in more) attacks[key] = more[key];
  };
  window.__attackKit.run = function () {
    if (name && name.indexOf('ns-') === 0) window.__attackKit.namespace(name);
    (attacks[name] || function () {})();
  };
})();
