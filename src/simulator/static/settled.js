// Loaded after the scenario's script (scenarios.js), whose log, window.__observed, it appends to.
(function () {
  'use strict';
  // Resolves once the widget's frame has handled every message sent to it so far, and its replies
  // (lcw:error 3/4 come from that other process) have arrived: what the page observes is complete.
  // What the host handed its frame is logged then too: by then every reply of the frame is in, so
  // the log's order does not depend on how fast the other process answered.
  window.__settled = function () {
    return new Promise(function (resolve) {
      var frame = document.getElementById('Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window');
      // Strings as they are, anything else by its type (stringifying a page's object runs its getters).
      var received = function () {
        var shown = window.__widgetReceived.map(function (v) {
          return typeof v === 'string' || v == null ? v : '(' + typeof v + ')';
        });
        window.__observed.push('widget received ' + JSON.stringify(shown));
      };
      if (!frame || !frame.contentWindow) return resolve(received());
      window.addEventListener('message', function pong(e) {
        if (e.data && e.data.messageName === 'pong') {
          window.removeEventListener('message', pong);
          received();
          window.__observed.push('widget frame saw ' + JSON.stringify(e.data.seen));
          resolve();
        }
      });
      frame.contentWindow.postMessage({ messageName: 'ping' }, '*');
      setTimeout(resolve, 10000);
    });
  };
})();
